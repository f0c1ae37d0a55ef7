package io.fastmmap.examples.spring;

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
import java.util.List;

/** One instance of the packaged demo jar in its own JVM, on a free port, sharing the test's session file. */
final class DemoInstance implements AutoCloseable {
    private final String name;
    private final int port;
    private final Path sessionFile;
    private final Path log;
    private final List<String> extraArgs;
    private Process process;

    DemoInstance(String name, Path sessionFile, Path logDir, String... extraArgs) {
        this.extraArgs = List.of(extraArgs);
        this.name = name;
        this.port = freePort();
        this.sessionFile = sessionFile;
        this.log = logDir.resolve(name + ".log");
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    DemoInstance start() {
        String java = System.getProperty("fastmmap.demo.java", Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        String jar = System.getProperty("fastmmap.demo.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("fastmmap.demo.jar=" + jar + " is not the packaged demo; run this test"
                    + " through Maven (failsafe runs after package)");
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", jar, "--server.port=" + port, "--demo.instance=" + name,
                    "--fastmmap.session.file=" + sessionFile, "--spring.main.banner-mode=off"));
            command.addAll(extraArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
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
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url("/api/whoami")))
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
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("instance " + name + " did not answer within 3 minutes; see " + log);
    }

    private String lastCause() {
        try {
            return Files.readAllLines(log).stream().filter(line -> line.startsWith("Caused by:"))
                    .reduce((first, second) -> second).orElse("(none logged)");
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no close of the session file, as in a crash. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
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
