package io.fastmmap.perl;

import io.fastmmap.process.ExternalTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Perl process running {@code src/test/resources/perl/<script>} with Debian's Cache::FastMmap 1.57. Its stdout
 * is read line by line; {@link #close()} kills it with SIGKILL when still running.
 */
final class PerlProcess implements AutoCloseable {

    static final HexFormat HEX = HexFormat.of();
    private static final String EOF = new String("<eof>");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<String> command;

    private PerlProcess(List<String> command, Map<String, String> environment) {
        ExternalTool.PERL.assumePresent();
        this.command = command;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command + " (is perl installed?)", e);
        }
        Thread out = new Thread(() -> pump(process.getInputStream(), null), "perl-stdout");
        Thread err = new Thread(() -> pump(process.getErrorStream(), stderr), "perl-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /** Starts {@code perl cache.pl file pages pageSize command args...}. */
    static PerlProcess cache(Path file, int pages, int pageSize, String command, String... args) {
        return cacheWith(Map.of(), file, pages, pageSize, command, args);
    }

    static PerlProcess cacheWith(Map<String, String> environment, Path file, int pages, int pageSize,
            String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of("perl", script("cache.pl").toString(), file.toString(),
                Integer.toString(pages), Integer.toString(pageSize), command));
        cmd.addAll(List.of(args));
        return new PerlProcess(cmd, environment);
    }

    /** Runs a cache.pl command to its end and returns its stdout lines; fails on a non-zero exit. */
    static List<String> run(Path file, int pages, int pageSize, String command, String... args) {
        return run(Map.of(), file, pages, pageSize, command, args);
    }

    static List<String> run(Map<String, String> environment, Path file, int pages, int pageSize, String command,
            String... args) {
        try (PerlProcess perl = cacheWith(environment, file, pages, pageSize, command, args)) {
            return perl.awaitExit(Duration.ofSeconds(60));
        }
    }

    /** Runs {@code perl <script> args...} to its end; returns its stdout lines; fails on a non-zero exit. */
    static List<String> runScript(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("perl", script(script).toString()));
        cmd.addAll(List.of(args));
        try (PerlProcess perl = new PerlProcess(cmd, Map.of())) {
            return perl.awaitExit(Duration.ofSeconds(120));
        }
    }

    /** Runs {@code perl -e code}; returns its stdout lines; fails on a non-zero exit. */
    static List<String> runCode(String code) {
        try (PerlProcess perl = new PerlProcess(List.of("perl", "-e", code), Map.of())) {
            return perl.awaitExit(Duration.ofSeconds(60));
        }
    }

    static Path script(String name) {
        try {
            return Path.of(PerlProcess.class.getResource("/perl/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(String text) {
        return HEX.formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the first line starting with {@code prefix} */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line == EOF) {
                    throw new AssertionError("perl did not print '" + prefix + "' within " + timeout + ": "
                            + describe());
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return every stdout line, after the process exited 0 */
    List<String> awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("perl still runs after " + timeout + ": " + describe());
            }
            List<String> out = new ArrayList<>();
            for (String line = lines.poll(10, TimeUnit.SECONDS); line != null && line != EOF;
                    line = lines.poll(10, TimeUnit.SECONDS)) {
                out.add(line);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("perl exited " + process.exitValue() + ": " + describe() + " stdout: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    long pid() {
        return process.pid();
    }

    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String describe() {
        synchronized (stderr) {
            return command + " stderr: " + stderr;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    private void pump(java.io.InputStream in, StringBuilder sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (sink == null) {
                    lines.add(line);
                } else {
                    synchronized (sink) {
                        sink.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            if (sink == null) {
                lines.add(EOF);
            }
        }
    }
}
