package io.fastmmap.servlet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a demo (examples/jetty-demo, examples/tomcat-demo, examples/spring-demo) in its own JVM, started
 * from its packaged jar ({@code fastmmap.demo.jar}) as its run-demo.sh starts it, on a free port, sharing the test's
 * session file.
 */
public final class DemoInstance implements AutoCloseable {
    /** The demo's command-line arguments for one instance. */
    public interface Arguments {
        List<String> of(String name, int port, Path sessionFile);
    }

    private final String name;
    private final int port;
    private final Path sessionFile;
    private final Path log;
    private final String healthPath;
    private final Arguments arguments;
    private Process process;

    /** A servlet demo: {@code java -jar demo.jar INSTANCE PORT FILE}, up once {@code /health} answers. */
    public DemoInstance(String name, Path sessionFile, Path logDir) {
        this(name, sessionFile, logDir, "/health", (n, p, f) -> List.of(n, String.valueOf(p), f.toString()));
    }

    /**
     * @param healthPath a path that answers 200 once the instance serves (best one that creates no session)
     * @param arguments the jar's arguments
     */
    public DemoInstance(String name, Path sessionFile, Path logDir, String healthPath, Arguments arguments) {
        this.name = name;
        this.port = freePort();
        this.sessionFile = sessionFile;
        this.log = logDir.resolve(name + ".log");
        this.healthPath = healthPath;
        this.arguments = arguments;
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Starts (or restarts, on the same port and file) the jar named by {@code fastmmap.demo.jar}. */
    public DemoInstance start() {
        String java = System.getProperty("fastmmap.demo.java", Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        String jar = System.getProperty("fastmmap.demo.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("fastmmap.demo.jar=" + jar + " is not the packaged demo; run this test"
                    + " through Maven (failsafe runs after package)");
        }
        try {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", jar));
            command.addAll(arguments.of(name, port, sessionFile));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitUp();
        return this;
    }

    private void awaitUp() {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("instance " + name + " exited with " + process.exitValue()
                        + "; see " + log + ", whose last cause was: " + lastCause());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url(healthPath)))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep250();
        }
        throw new IllegalStateException("instance " + name + " did not answer within 3 minutes; see " + log);
    }

    /** SIGKILL: no shutdown hook, no close of the session file, as in a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void sleep250() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String lastCause() {
        try {
            return Files.readAllLines(log).stream().filter(line -> line.startsWith("Caused by:"))
                    .reduce((first, second) -> second).orElse("(none logged)");
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
