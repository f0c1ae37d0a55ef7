package io.fastmmap.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child JVM running a {@code main} class of this package, for tests that share one cache file between processes.
 *
 * <p>The child runs with the {@code java} binary of the chosen {@link Jdk} and the parent's class path, so it loads
 * the same fastmmap jar (a multi-release jar: a JDK 25 child takes the FFM implementation, a JDK 17 child the
 * MappedByteBuffer one). Its stdout is read line by line into a queue by a reader thread ({@link #awaitLine},
 * {@link #pollLine}, {@link #drainLines}); its stderr is kept (the last 64 KiB) for failure messages; its stdin is
 * a command channel ({@link #send}) whose end-of-file tells the child that the parent is gone (see
 * {@link ChildSupport}). {@link #close()} kills the child with SIGKILL when it is still running, so try-with-resources
 * or {@link ChildJvms} leave no stray JVM behind a failing test; a shutdown hook kills whatever is left when the test
 * JVM exits.
 *
 * <p>A crashed child writes {@code hs_err_<pid>.log} into the error directory ({@code -XX:ErrorFile}); see
 * {@link #crashLog()} and {@link ChildJvms}, which fails the test when any appears.
 */
public final class ChildJvm implements AutoCloseable {

    /** The JDK a child runs on. */
    public enum Jdk {
        JDK17("17", "fastmmap.test.jdk17.java"),
        JDK25("25", "fastmmap.test.jdk25.java");

        private final String version;
        private final String property;

        Jdk(String version, String property) {
            this.version = version;
            this.property = property;
        }

        /** @return "17" or "25" */
        public String version() {
            return version;
        }

        /** @return the other of the two JDKs */
        public Jdk other() {
            return this == JDK17 ? JDK25 : JDK17;
        }

        /**
         * @return the {@code java} binary children of this JDK are started with: the system property
         *     {@code fastmmap.test.jdkNN.java}, or this JVM's own {@code java} when the property is missing (said once
         *     on stdout, since both "JDKs" are then the same)
         * @throws IllegalStateException when the property names no executable file
         */
        public Path java() {
            String configured = System.getProperty(property);
            if (configured != null && !configured.isBlank()) {
                Path java = Path.of(configured);
                if (!Files.isExecutable(java)) {
                    throw new IllegalStateException("system property " + property + "=" + configured + " is not an "
                            + "executable java binary (run the tests with ./run-tests.sh, which finds the JDKs)");
                }
                return java;
            }
            Path own = Path.of(System.getProperty("java.home"), "bin", "java");
            warnFallback(this, own);
            return own;
        }

        /** @return the JDK of this (the parent) JVM: property {@code fastmmap.test.jvm}, else its feature version */
        public static Jdk parent() {
            String configured = System.getProperty("fastmmap.test.jvm");
            if (configured != null && !configured.isBlank()) {
                return configured.trim().equals("17") ? JDK17 : JDK25;
            }
            return Runtime.version().feature() >= 22 ? JDK25 : JDK17;
        }

        /** @param index any int @return JDK17 for even, JDK25 for odd */
        public static Jdk alternating(int index) {
            return (index & 1) == 0 ? JDK17 : JDK25;
        }
    }

    /** JVM options of every child: a small heap and a quick start. */
    static final List<String> JVM_OPTIONS = List.of(
            "-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-XX:-CreateCoredumpOnCrash", "-Xshare:auto");

    private static final String EOF = new String("<end of stdout>"); // identity sentinel
    private static final int RECENT_LINES = 200;
    private static final int STDERR_TAIL = 64 * 1024;
    private static final Set<Process> LIVE = Collections.synchronizedSet(new LinkedHashSet<>());
    private static final Set<Jdk> WARNED = Collections.synchronizedSet(java.util.EnumSet.noneOf(Jdk.class));
    private static volatile boolean hookInstalled;

    private final String name;
    private final Jdk jdk;
    private final Path errorDir;
    private final List<String> command;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final OutputStream stdin;
    private final long startedNanos = System.nanoTime();
    private volatile boolean stdoutEnded;
    private volatile IOException stdoutFailure;

    private ChildJvm(String name, Jdk jdk, Path errorDir, List<String> command) throws IOException {
        this.name = name;
        this.jdk = jdk;
        this.errorDir = errorDir;
        this.command = List.copyOf(command);
        installShutdownHook();
        ProcessBuilder builder = new ProcessBuilder(command).directory(errorDir.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS"); // its "Picked up ..." line would land on stderr
        builder.environment().remove("_JAVA_OPTIONS");
        this.process = builder.start();
        LIVE.add(process);
        this.stdin = process.getOutputStream();
        this.stdoutReader = new Thread(() -> readStdout(process.getInputStream()), "child-" + name + "-stdout");
        this.stderrReader = new Thread(() -> readStderr(process.getErrorStream()), "child-" + name + "-stderr");
        stdoutReader.setDaemon(true);
        stderrReader.setDaemon(true);
        stdoutReader.start();
        stderrReader.start();
    }

    /**
     * Starts a child JVM.
     *
     * @param name a short name for messages, e.g. "writer-1.7"
     * @param jdk the JDK to run it on
     * @param errorDir working directory of the child and home of its {@code hs_err_<pid>.log}
     * @param mainClass a class of this package with a {@code main} method
     * @param args its arguments
     * @return the started child; its stdout is being read
     */
    public static ChildJvm start(String name, Jdk jdk, Path errorDir, Class<?> mainClass, List<String> args) {
        Objects.requireNonNull(mainClass, "mainClass");
        try {
            Files.createDirectories(errorDir);
            List<String> command = new ArrayList<>();
            command.add(jdk.java().toString());
            command.addAll(JVM_OPTIONS);
            if (jdk == Jdk.JDK25) { // as an application would run us for direct system calls (fastmmap-perl's fcntl)
                command.add("--enable-native-access=ALL-UNNAMED");
            }
            command.add("-XX:ErrorFile=" + errorDir.toAbsolutePath().resolve("hs_err_%p.log"));
            command.add("-Dfastmmap.child.name=" + name);
            command.add("-Dfastmmap.child.jdk=" + jdk.version());
            String maxSeconds = System.getProperty("fastmmap.child.maxSeconds");
            if (maxSeconds != null) { // long heavy-tier runs raise the children's lifetime watchdog
                command.add("-Dfastmmap.child.maxSeconds=" + maxSeconds);
            }
            String warmUp = System.getProperty("fastmmap.casWarmUpCalls");
            if (warmUp != null) { // 0 shows what SharedMemory's warm-up prevents (HostileFileTest)
                command.add("-Dfastmmap.casWarmUpCalls=" + warmUp);
            }
            command.add("-cp");
            command.add(childClassPath());
            command.add(mainClass.getName());
            command.addAll(args);
            return new ChildJvm(name, jdk, errorDir, command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name + " on JDK " + jdk.version(), e);
        }
    }

    /**
     * The parent's class path, plus its module path if it has one (a test JVM that put the fastmmap jar on the
     * module path would otherwise start children without it).
     */
    static String childClassPath() {
        List<String> entries = new ArrayList<>();
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                for (String entry : value.split(java.io.File.pathSeparator)) {
                    // absolute: children run in another working directory
                    String absolute = entry.isBlank() ? null : Path.of(entry).toAbsolutePath().toString();
                    if (absolute != null && !entries.contains(absolute)) {
                        entries.add(absolute);
                    }
                }
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void warnFallback(Jdk jdk, Path own) {
        if (WARNED.add(jdk)) {
            System.out.println("WARNING: system property " + jdk.property + " is not set (not run by the Maven "
                    + "build?): JDK " + jdk.version() + " children run on this JVM's own java, " + own + " (Java "
                    + Runtime.version().feature() + "), so the two JDK versions are NOT mixed in this run");
        }
    }

    private static void installShutdownHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (LIVE) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    List<Process> left;
                    synchronized (LIVE) {
                        left = new ArrayList<>(LIVE);
                    }
                    left.forEach(Process::destroyForcibly);
                }, "child-jvm-reaper"));
                hookInstalled = true;
            }
        }
    }

    private void readStdout(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            stdoutFailure = e;
            lines.add("<stdout read failed: " + e + ">");
        } finally {
            stdoutEnded = true;
            lines.add(EOF);
        }
    }

    private void readStderr(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                synchronized (stderr) {
                    stderr.append(text);
                    if (stderr.length() > STDERR_TAIL) {
                        stderr.delete(0, stderr.length() - STDERR_TAIL);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** @return the child's name */
    public String name() {
        return name;
    }

    /** @return the JDK it runs on */
    public Jdk jdk() {
        return jdk;
    }

    /** @return the child's process id */
    public long pid() {
        return process.pid();
    }

    /** @return true while the process runs (a stopped process is alive) */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for a stdout line starting with {@code prefix}; lines before it are consumed (and kept for messages).
     *
     * @return the whole line
     * @throws AssertionError when the child's stdout ends first or the timeout passes; the message has the child's
     *     recent stdout and its stderr
     */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for '" + prefix + "' from " + describe(), e);
            }
            if (line == null) {
                throw new AssertionError("no line '" + prefix + "...' within " + timeout.toMillis() + " ms from "
                        + describe());
            }
            if (line == EOF) {
                lines.add(EOF); // later calls see the end too
                waitQuietly(Duration.ofSeconds(5));
                throw new AssertionError("stdout ended before a line '" + prefix + "...' from " + describe());
            }
            remember(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /**
     * @return the next stdout line, or null when none comes within {@code timeout} or stdout has ended (see
     *     {@link #stdoutEnded()})
     */
    public String pollLine(Duration timeout) {
        try {
            String line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == EOF) {
                lines.add(EOF);
                return null;
            }
            if (line != null) {
                remember(line);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted reading " + name, e);
        }
    }

    /** @return true once the child's stdout reached end of file */
    public boolean stdoutEnded() {
        return stdoutEnded;
    }

    /**
     * For a child that has exited (or been killed): waits for its stdout to be read to the end, then returns every
     * line not consumed yet.
     *
     * @throws AssertionError when stdout could not be read to its end (lines may be missing)
     */
    public List<String> drainLines() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs; drainLines() is for a finished child");
        }
        joinQuietly(stdoutReader, Duration.ofSeconds(30));
        if (stdoutReader.isAlive()) {
            throw new AssertionError("stdout of " + describe() + " did not end within 30 s of its exit");
        }
        if (stdoutFailure != null) {
            throw new AssertionError("stdout of " + describe() + " could not be read to its end, so lines may be "
                    + "missing", stdoutFailure);
        }
        List<String> out = new ArrayList<>(lines.size());
        String line;
        while ((line = lines.poll()) != null) {
            if (line != EOF) {
                out.add(line);
            }
        }
        lines.add(EOF);
        int from = Math.max(0, out.size() - RECENT_LINES);
        out.subList(from, out.size()).forEach(this::remember);
        return out;
    }

    /** Writes one line to the child's stdin and flushes it. */
    public void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot send '" + line + "' to " + describe(), e);
        }
    }

    /**
     * Sends SIGKILL and waits for the process to die; what it wrote to stdout before stays readable
     * ({@link #drainLines}).
     *
     * <p>{@code ProcessHandle.destroyForcibly} is SIGKILL on Linux. {@code Process.destroyForcibly} sends the same
     * signal but also closes this side of the child's stdout pipe, dropping lines not read yet, which a test that
     * must know every acknowledged write cannot afford.
     *
     * @return the exit code, 137 (128 + SIGKILL) unless the process had exited already
     */
    public int kill() {
        if (!process.toHandle().destroyForcibly() && process.isAlive()) {
            throw new AssertionError("cannot send SIGKILL to " + describe());
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("SIGKILL did not end " + describe() + " within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted killing " + name, e);
        }
        LIVE.remove(process);
        return process.exitValue();
    }

    /** Sends SIGSTOP and waits until the kernel reports the process stopped. */
    public void stop() {
        signal("STOP");
        awaitState(true);
    }

    /** Sends SIGCONT and waits until the kernel reports the process running again. */
    public void cont() {
        signal("CONT");
        awaitState(false);
    }

    /** @return true when /proc says the process is stopped by a signal (state T) */
    public boolean isStopped() {
        String state = procState();
        return state.equals("T") || state.equals("t");
    }

    private String procState() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private void awaitState(boolean stopped) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (isStopped() != stopped) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not become " + (stopped ? "stopped" : "running")
                        + " within 10 s; /proc state " + procState());
            }
            sleepMillis(1);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted signalling " + name, e);
        }
    }

    /**
     * Waits for the child to exit.
     *
     * @return its exit code
     * @throws AssertionError when it still runs after {@code timeout} (it is then killed)
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                String description = describe();
                kill();
                throw new AssertionError("still running after " + timeout.toMillis() + " ms (now killed): "
                        + description);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
        LIVE.remove(process);
        joinQuietly(stderrReader, Duration.ofSeconds(5));
        return process.exitValue();
    }

    private void waitQuietly(Duration timeout) {
        try {
            process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        joinQuietly(stderrReader, Duration.ofSeconds(2));
    }

    /** @return the crash log this child left ({@code hs_err_<pid>.log}), or null */
    public Path crashLog() {
        Path log = errorDir.resolve("hs_err_" + pid() + ".log");
        return Files.exists(log) ? log : null;
    }

    /** @return the child's stderr so far (its last 64 KiB) */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** @return milliseconds since the child was started */
    public long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** @return a description for failure messages: name, JDK, pid, state, recent stdout, stderr, crash log */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("child JVM '").append(name).append("' (JDK ").append(jdk.version()).append(", pid ").append(pid());
        if (process.isAlive()) {
            out.append(", running, /proc state ").append(procState());
        } else {
            int code = process.exitValue();
            out.append(", exited with ").append(code);
            if (code > 128) {
                out.append(" = signal ").append(code - 128);
            }
        }
        int cp = command.indexOf("-cp");
        out.append(")\n  command: ").append(String.join(" ", command.subList(0, cp)))
                .append(" -cp <test class path> ").append(String.join(" ", command.subList(cp + 2, command.size())));
        synchronized (recent) {
            out.append("\n  last ").append(recent.size()).append(" stdout lines read:");
            for (String line : recent) {
                out.append("\n    | ").append(line);
            }
        }
        String err = stderr().strip();
        out.append("\n  stderr:").append(err.isEmpty() ? " (empty)" : "\n" + err.indent(4));
        Path crash = crashLog();
        if (crash != null) {
            out.append("\n  CRASH LOG ").append(crash);
        }
        return out.toString();
    }

    private void remember(String line) {
        synchronized (recent) {
            recent.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
            while (recent.size() > RECENT_LINES) {
                recent.removeFirst();
            }
        }
    }

    /** Kills the child (SIGKILL) if it still runs and waits for it and its readers. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
        try {
            stdin.close();
        } catch (IOException e) {
            // the pipe is gone with the process
        }
        joinQuietly(stdoutReader, Duration.ofSeconds(5));
        joinQuietly(stderrReader, Duration.ofSeconds(5));
    }

    /** @return every {@code hs_err*} file in {@code dir} */
    static List<Path> crashLogs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("hs_err")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void joinQuietly(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "(JDK " + jdk.version() + ", pid " + pid() + ")";
    }
}
