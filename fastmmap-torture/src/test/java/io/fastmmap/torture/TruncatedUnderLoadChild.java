package io.fastmmap.torture;

import io.fastmmap.FastMmap;
import io.fastmmap.FastMmapException;
import io.fastmmap.process.ChildSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uses a cache from several threads while its parent ({@link HostileFileTest}) truncates the file underneath.
 *
 * <p>Arguments: {@code file pageCount pageSize}. Prints {@code READY ...}, works until {@code STOP}, then prints one
 * {@code THROWN <count> <class>: <first message>} line per kind of throwable its threads got, {@code OPS <n>},
 * {@code CLOSED} or {@code CLOSE THREW <class>: <message>}, and {@code DONE}. It never catches anything narrower than Throwable, so whatever the engine throws is reported.
 */
public final class TruncatedUnderLoadChild {
    private TruncatedUnderLoadChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, TruncatedUnderLoadChild::run);
    }

    /** What the rest of the JVM is doing while {@code stuck} waits: what it waits for is among them. */
    private static void dumpOtherThreads(Thread stuck) {
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            if (thread != stuck && thread != Thread.currentThread()) {
                System.err.println("THREAD " + describe(thread, frames));
            }
        });
    }

    /** @return the thread's name, state and stack on one line */
    private static String describe(Thread thread, StackTraceElement[] frames) {
        StringBuilder line = new StringBuilder(thread.getName()).append(" (").append(thread.getState()).append(')');
        for (StackTraceElement frame : frames) {
            line.append(" at ").append(frame);
        }
        return line.toString();
    }

    private static void run(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        Map<String, String> firstMessage = new ConcurrentHashMap<>();
        AtomicLong operations = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        FastMmap cache = ChildSupport.open(file, pageCount, pageSize, Duration.ofSeconds(2));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Random random = new Random(t);
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    byte[] key = ("key-" + random.nextInt(500)).getBytes(StandardCharsets.US_ASCII);
                    try {
                        switch (random.nextInt(4)) {
                            case 0 -> cache.set(key, new byte[random.nextInt(2000)]);
                            case 1 -> cache.remove(key);
                            default -> cache.get(key);
                        }
                        operations.incrementAndGet();
                    } catch (Throwable thrown) {
                        String kind = thrown.getClass().getName()
                                + (thrown instanceof FastMmapException ? " (a FastMmapException)" : "");
                        counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                        firstMessage.putIfAbsent(kind, ChildSupport.oneLine(String.valueOf(thrown.getMessage())));
                        Thread.onSpinWait();
                    }
                }
            }, "user-" + t);
            thread.start();
            threads.add(thread);
        }
        ChildSupport.println("READY " + ChildSupport.identity(cache));
        ChildSupport.awaitCommand("STOP");
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
            if (thread.isAlive()) {
                dumpOtherThreads(thread); // first: the parent stops reading at STUCK
                ChildSupport.println("STUCK " + describe(thread, thread.getStackTrace()));
            }
        }
        counts.forEach((kind, count) -> ChildSupport.println("THROWN " + count + " " + kind + ": "
                + firstMessage.get(kind)));
        ChildSupport.println("OPS " + operations.get());
        try {
            cache.close();
            ChildSupport.println("CLOSED");
        } catch (Throwable thrown) {
            ChildSupport.println("CLOSE THREW " + thrown.getClass().getName()
                    + (thrown instanceof FastMmapException ? " (a FastMmapException)" : "") + ": "
                    + ChildSupport.oneLine(String.valueOf(thrown.getMessage())));
        }
        ChildSupport.println("DONE");
    }
}
