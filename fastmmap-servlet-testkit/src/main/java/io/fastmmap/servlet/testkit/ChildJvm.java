package io.fastmmap.servlet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A server in a child JVM (on JDK 17 when {@code fastmmap.test.jdk17.java} names one) started from this test's class
 * path: its main class prints {@code port N jdk J} once serving and stops when its input closes.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String jdk;

    private ChildJvm(Process process, int port, String jdk) {
        this.process = process;
        this.port = port;
        this.jdk = jdk;
    }

    /** Starts {@code main} with {@code args} and waits until it serves. */
    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        String[] command = new String[5 + args.length];
        command[0] = javaBinary();
        command[1] = "-Xmx96m";
        command[2] = "-cp";
        command[3] = System.getProperty("java.class.path");
        command[4] = main.getName();
        System.arraycopy(args, 0, command, 5, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("port ")) {
            // the server's start-up log
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IllegalStateException(main.getName() + " in a child JVM ended before serving");
        }
        String[] words = line.split(" ");
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
        drain.setDaemon(true);
        drain.start();
        return new ChildJvm(process, Integer.parseInt(words[1]), words[3]);
    }

    /** Prints what a server's main must print once serving on {@code port}. */
    public static void announce(int port) {
        System.out.println("port " + port + " jdk " + Runtime.version().feature());
        System.out.flush();
    }

    /** Blocks until the parent closes this JVM's input (or dies). */
    public static void serveUntilInputCloses() throws IOException {
        while (System.in.read() >= 0) {
            // serving
        }
    }

    public int port() {
        return port;
    }

    /** @return the child's Java feature version */
    public String jdk() {
        return jdk;
    }

    /**
     * One browser's requests alternate between this JVM's server and the child's, then the child invalidates.
     *
     * @param parentBase this JVM's session servlet URL up to and including {@code ?}
     * @param childBase the child's, likewise
     */
    public static void serveOneSessionAlternately(String parentBase, String childBase) throws Exception {
        Browser browser = new Browser();
        for (int i = 1; i <= 10; i++) {
            String url = (i % 2 == 0 ? childBase : parentBase) + "op=incr&name=n";
            assertThat(browser.body(url)).as("request %d", i).isEqualTo(String.valueOf(i));
        }
        assertThat(browser.body(childBase + "op=invalidate")).isEqualTo("invalidated");
        assertThat(new Browser(browser.cookie).body(parentBase + "op=id")).isEqualTo("none");
    }

    /** Closes the child's input and waits for it to stop; fails when it did not exit cleanly. */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("child JVM did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the child JVM stopped", e);
        }
        assertThat(process.exitValue()).as("child JVM exit code").isZero();
    }

    private static String javaBinary() {
        String configured = System.getProperty("fastmmap.test.jdk17.java");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
