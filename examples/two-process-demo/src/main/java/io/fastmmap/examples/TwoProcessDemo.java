package io.fastmmap.examples;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Two processes, one cache file. Each process opens the same file, then for a few seconds, as fast as it can:
 * <ol>
 *   <li>increments the shared counter with {@link FastMmap#getAndSet} (an atomic read-modify-write across
 *       processes),</li>
 *   <li>writes its own "last seen" note (its round, the counter value it got, the wall-clock time),</li>
 *   <li>reads the other process's note,</li>
 * </ol>
 * and prints what it sees every 200 ms. At the end each process stores how many increments it made; a third run,
 * {@code verify}, checks that the counter equals the sum: no increment lost, none counted twice.
 *
 * <p>{@code run-demo.sh} at the root of the repository builds everything and starts one process on JDK 17 and one
 * on JDK 25, which use different implementations of the shared memory (the multi-release jar) on the same file.
 *
 * <pre>
 *   java -cp fastmmap-core.jar:demo.jar io.fastmmap.examples.TwoProcessDemo run    FILE ME OTHER [SECONDS] [--color]
 *   java -cp fastmmap-core.jar:demo.jar io.fastmmap.examples.TwoProcessDemo verify FILE NAME1 NAME2
 * </pre>
 */
public final class TwoProcessDemo {
    private static final byte[] COUNTER = ascii("counter");
    private static final long REPORT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long WAIT_FOR_OTHER_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final String color;
    private final String reset;

    private TwoProcessDemo(boolean colored, String me) {
        this.color = colored ? (me.compareTo("B") < 0 ? "\u001b[36m" : "\u001b[35m") : "";
        this.reset = colored ? "\u001b[0m" : "";
    }

    public static void main(String[] args) {
        try {
            if (args.length >= 4 && args[0].equals("run")) {
                boolean colored = Arrays.asList(args).contains("--color");
                int seconds = args.length >= 5 && !args[4].startsWith("--") ? Integer.parseInt(args[4]) : 3;
                new TwoProcessDemo(colored, args[2]).run(Path.of(args[1]), args[2], args[3], seconds);
            } else if (args.length == 4 && args[0].equals("verify")) {
                System.exit(verify(Path.of(args[1]), args[2], args[3]) ? 0 : 1);
            } else {
                System.err.println("usage: TwoProcessDemo run FILE ME OTHER [SECONDS] [--color]");
                System.err.println("       TwoProcessDemo verify FILE NAME1 NAME2");
                System.exit(2);
            }
        } catch (RuntimeException | InterruptedException e) {
            System.err.println("TwoProcessDemo failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Every process opens the file with the same geometry: 8 pages of 4 KiB, a 32 KiB cache. */
    private static FastMmap open(Path file) {
        return FastMmap.builder(file).pageCount(8).pageSize(4096).build();
    }

    private void run(Path file, String me, String other, int seconds) throws InterruptedException {
        try (FastMmap cache = open(file)) {
            say(me, "JDK " + jdk() + " (" + System.getProperty("java.vendor") + "), pid "
                    + ProcessHandle.current().pid() + ", shared memory through " + engine());

            // Hello: announce ourselves, then wait until the other process has done the same.
            cache.set(jdkKey(me), ascii(jdk()));
            byte[] otherJdk = waitFor(cache, jdkKey(other));
            if (otherJdk == null) {
                say(me, other + " never showed up; giving up");
                System.exit(1);
            }
            say(me, other + " is here, on JDK " + text(otherJdk) + ". Go!");

            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            long nextReport = start + REPORT_EVERY_NANOS;
            long mine = 0;
            long counter = 0;
            long cutIns = 0; // times the counter had moved on since my previous increment: the other had a turn
            byte[] myNote = lastSeenKey(me);
            byte[] theirNote = lastSeenKey(other);
            long[] note = null;
            long longestCallNanos = 0; // page locks are not a queue: a waiter may sit out several of the other's turns
            while (true) {
                long previous = counter;
                long callStart = System.nanoTime();
                counter = decodeLong(cache.getAndSet(COUNTER, old -> encodeLong(decodeLong(old) + 1)));
                longestCallNanos = Math.max(longestCallNanos, System.nanoTime() - callStart);
                mine++;
                if (mine > 1 && counter != previous + 1) {
                    cutIns++;
                }
                cache.set(myNote, encodeNote(mine, counter, System.currentTimeMillis()));
                byte[] theirs = cache.get(theirNote);
                if (theirs != null) {
                    note = decodeNote(theirs);
                }
                long now = System.nanoTime();
                if (now - nextReport >= 0 || now - end >= 0) {
                    while (now - nextReport >= 0) {
                        nextReport += REPORT_EVERY_NANOS;
                    }
                    String saw = note == null
                            ? other + " has written nothing yet"
                            : String.format(Locale.ROOT, "%s wrote: round %,d, counter %,d (%d ms ago)", other,
                                    note[0], note[1], Math.max(0, System.currentTimeMillis() - note[2]));
                    say(me, String.format(Locale.ROOT, "%4.1fs  counter %,10d | mine %,9d | %s cut in %,7d times | %s",
                            (now - start) / 1e9, counter, mine, other, cutIns, saw));
                    if (now - end >= 0) {
                        break;
                    }
                }
            }
            cache.set(doneKey(me), encodeLong(mine));
            double elapsed = (System.nanoTime() - start) / 1e9;
            say(me, String.format(Locale.ROOT, "done: %,d increments in %.1f s (%,.0f per second); longest getAndSet "
                    + "%.1f ms", mine, elapsed, mine / elapsed, longestCallNanos / 1e6));
        }
    }

    /** Run after both processes exited: the counter must be exactly the sum of their increments. */
    private static boolean verify(Path file, String first, String second) {
        try (FastMmap cache = open(file)) {
            long counter = decodeLong(cache.get(COUNTER));
            byte[] firstDone = cache.get(doneKey(first));
            byte[] secondDone = cache.get(doneKey(second));
            if (firstDone == null || secondDone == null) {
                System.out.println("FAILED: " + (firstDone == null ? first : second) + " did not finish its run");
                return false;
            }
            long a = decodeLong(firstDone);
            long b = decodeLong(secondDone);
            CacheStats stats = cache.stats();
            String jdks = String.format(Locale.ROOT, "%,d by %s (JDK %s) + %,d by %s (JDK %s)", a, first,
                    text(cache.get(jdkKey(first))), b, second, text(cache.get(jdkKey(second))));
            if (counter == a + b) {
                System.out.println(String.format(Locale.ROOT, "counter = %,d = %s: every increment counted "
                        + "exactly once (lock takeovers %d, page repairs %d)", counter, jdks,
                        stats.lockRecoveryCount(), stats.pageRepairCount()));
                return true;
            }
            System.out.println(String.format(Locale.ROOT, "MISMATCH: counter = %,d but %s = %,d (%+,d)", counter,
                    jdks, a + b, counter - (a + b)));
            return false;
        }
    }

    private static byte[] waitFor(FastMmap cache, byte[] key) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_FOR_OTHER_NANOS;
        while (System.nanoTime() - deadline < 0) {
            byte[] value = cache.get(key);
            if (value != null) {
                return value;
            }
            Thread.sleep(2);
        }
        return null;
    }

    private void say(String me, String line) {
        // One print per line: the two processes share the terminal, and a single write keeps lines whole.
        System.out.print(color + "[" + me + "]" + reset + " " + line + "\n");
        System.out.flush();
    }

    private static String jdk() {
        return System.getProperty("java.version");
    }

    /**
     * For show only: which build of fastmmap's shared-memory class this JVM loaded from the multi-release jar. The
     * Java 22+ one (META-INF/versions/22) wraps a MemorySegment; the Java 17 one maps MappedByteBuffer chunks.
     */
    private static String engine() {
        try {
            Class<?> memory = Class.forName("io.fastmmap.internal.SharedMemory");
            for (var field : memory.getDeclaredFields()) {
                if (field.getType().getName().equals("java.lang.foreign.MemorySegment")) {
                    return "a java.lang.foreign MemorySegment (the jar's Java 22+ classes)";
                }
            }
            return "MappedByteBuffers and VarHandles (the jar's Java 17 classes)";
        } catch (ClassNotFoundException | LinkageError e) {
            return "fastmmap";
        }
    }

    private static byte[] jdkKey(String name) {
        return ascii("jdk/" + name);
    }

    private static byte[] lastSeenKey(String name) {
        return ascii("last-seen/" + name);
    }

    private static byte[] doneKey(String name) {
        return ascii("done/" + name);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "?" : new String(bytes, StandardCharsets.US_ASCII);
    }

    private static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static long decodeLong(byte[] bytes) {
        if (bytes == null) {
            return 0;
        }
        if (bytes.length != Long.BYTES) {
            throw new IllegalStateException("a counter of " + bytes.length + " bytes");
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    /** A note: round, counter value seen, wall-clock milliseconds. */
    private static byte[] encodeNote(long round, long counter, long millis) {
        return ByteBuffer.allocate(3 * Long.BYTES).putLong(round).putLong(counter).putLong(millis).array();
    }

    private static long[] decodeNote(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new long[] {buffer.getLong(), buffer.getLong(), buffer.getLong()};
    }
}
