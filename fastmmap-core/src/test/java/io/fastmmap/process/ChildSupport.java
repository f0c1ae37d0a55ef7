package io.fastmmap.process;

import io.fastmmap.FastMmap;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child side of {@link ChildJvm}: line output straight to the stdout pipe, commands from stdin, and two
 * watchdogs so that a child never outlives its test: it halts when its stdin ends (the parent died or closed it)
 * and after {@code -Dfastmmap.child.maxSeconds} (default 600).
 */
public final class ChildSupport {
    static final int EXIT_PARENT_GONE = 70;
    static final int EXIT_TOO_OLD = 71;
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD = 3;

    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);
    private static final BlockingQueue<String> COMMANDS = new LinkedBlockingQueue<>();
    private static final HexFormat HEX = HexFormat.of();

    private ChildSupport() {
    }

    /** The body of a child's main. */
    public interface Body {
        void run(String[] args) throws Exception;
    }

    /**
     * Runs a child's main: starts the watchdogs, runs {@code body}, exits 0 when it returns and 1 (after printing
     * {@code ERROR ...} on stdout and the stack trace on stderr) when it throws.
     */
    public static void main(String[] args, Body body) {
        startWatchdogs();
        try {
            body.run(args);
        } catch (Throwable t) {
            println("ERROR " + oneLine(t.toString()));
            t.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_FAILED);
        }
        System.out.flush();
        System.err.flush();
        System.exit(0);
    }

    private static void startWatchdogs() {
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    COMMANDS.add(line);
                }
            } catch (IOException e) {
                // treated as end of input
            }
            System.err.println("stdin ended: the parent test JVM is gone; halting");
            Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }, "stdin-watchdog");
        stdin.setDaemon(true);
        stdin.start();
        long maxSeconds = Long.getLong("fastmmap.child.maxSeconds", 600);
        Thread lifetime = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("ran for " + maxSeconds + " s (fastmmap.child.maxSeconds); halting");
            Runtime.getRuntime().halt(EXIT_TOO_OLD);
        }, "lifetime-watchdog");
        lifetime.setDaemon(true);
        lifetime.start();
    }

    /** Writes one line to stdout with a single write(2), so it reaches the pipe before this returns. */
    public static void println(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (STDOUT) {
            try {
                STDOUT.write(bytes);
            } catch (IOException e) {
                Runtime.getRuntime().halt(EXIT_PARENT_GONE); // the pipe is gone: so is the parent
            }
        }
    }

    /** Blocks until the parent sends a line equal to {@code command}; other lines are dropped. */
    public static void awaitCommand(String command) throws InterruptedException {
        while (!COMMANDS.take().equals(command)) {
            // not ours
        }
    }

    /** @return the next command line from the parent */
    public static String nextCommand() throws InterruptedException {
        return COMMANDS.take();
    }

    /** Prints {@code BAD <message>} and exits with {@link #EXIT_BAD}: a check inside the child failed. */
    public static void bad(String message) {
        println("BAD " + oneLine(message));
        System.err.println("BAD " + message);
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_BAD);
    }

    /** @return "jvm=&lt;version&gt; engine=&lt;variant&gt; pid=&lt;pid&gt; cache=&lt;toString&gt;" for READY lines */
    public static String identity(FastMmap cache) {
        return "jvm=" + Runtime.version() + " engine=" + engineVariant() + " pid=" + ProcessHandle.current().pid()
                + " cache=" + oneLine(String.valueOf(cache));
    }

    /**
     * @return which class file of the multi-release jar this JVM loaded for the engine's memory access:
     *     {@code versioned} (META-INF/versions/NN, the FFM implementation), {@code base} (the MappedByteBuffer
     *     one), or {@code unknown} (not run from a jar, or the class moved)
     */
    static String engineVariant() {
        java.net.URL url = ClassLoader.getSystemResource(ENGINE_CLASS_RESOURCE);
        if (url == null || !url.getProtocol().equals("jar")) {
            return "unknown";
        }
        return url.toString().contains("!/META-INF/versions/") ? "versioned" : "base";
    }

    static final String ENGINE_CLASS_RESOURCE = "io/fastmmap/internal/SharedMemory.class";

    /** Opens a cache of the given geometry. */
    public static FastMmap open(Path file, int pageCount, int pageSize, Duration lockTimeout) {
        return FastMmap.builder(file).pageCount(pageCount).pageSize(pageSize).lockTimeout(lockTimeout).build();
    }

    /**
     * Uses a throw-away cache in {@code scratchDir} so that the engine's classes are loaded and its code paths run
     * once before the timed part of a test.
     */
    public static void warmUp(Path scratchDir) {
        Path file = scratchDir.resolve("warm-up-" + ProcessHandle.current().pid() + ".fmm");
        try (FastMmap scratch = FastMmap.builder(file).pageCount(2).pageSize(4096).deleteOnClose(true).build()) {
            for (int i = 0; i < 200; i++) {
                byte[] key = ("warm-" + (i % 16)).getBytes(StandardCharsets.UTF_8);
                scratch.set(key, new byte[i % 300]);
                scratch.get(key);
                int length = (i * 7) % 200;
                scratch.getAndSet(key, old -> new byte[length]);
                scratch.exists(key);
                if (i % 5 == 0) {
                    scratch.remove(key);
                }
            }
            scratch.stats();
        }
    }

    public static String hex(byte[] bytes, int max) {
        if (bytes == null) {
            return "null";
        }
        int n = Math.min(bytes.length, max);
        return HEX.formatHex(bytes, 0, n) + (n < bytes.length ? "...(" + bytes.length + " bytes)" : "");
    }

    public static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
