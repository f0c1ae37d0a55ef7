package io.fastmmap.torture;

import io.fastmmap.FastMmap;
import io.fastmmap.FastMmapException;
import io.fastmmap.VerifyReport;
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
 * Uses a cache from two threads while its parent ({@link ReplacedFileTest}) deletes the file or renames another over
 * it, and answers the parent's questions about what it sees.
 *
 * <p>Arguments: {@code file pageCount pageSize name}. The cache is opened with {@code deleteOnClose(true)}. Each
 * thread writes keys of its own and reads them back (each must read exactly as last written) and reads the other
 * child's keys (each must be an intact value of its own key: {@link #check}). Prints {@code READY ...}, then serves
 * commands until {@code STOP}:
 * <ul>
 *   <li>{@code SET key text}: sets it through the attached cache; prints {@code SET-OK}.</li>
 *   <li>{@code GET key}: prints {@code VALUE <text or null>} as the attached cache reads it.</li>
 *   <li>{@code REOPEN-GET key}: opens the path again in this JVM, reads, closes; prints {@code REOPENED <text or
 *       null>}, or {@code REOPEN-FAILED <class>: <message>}.</li>
 *   <li>{@code VERIFY}: prints {@code VERIFY clean=<bool> <findings>}.</li>
 *   <li>{@code STOP}: stops the threads and prints {@code WRONG ...} lines (if any), one {@code THROWN <count> <class>:
 *       <message>} line per kind of throwable, {@code OPS <n>}, then closes the cache and prints {@code CLOSED}.</li>
 * </ul>
 */
public final class ReplacedFileChild {
    private ReplacedFileChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, ReplacedFileChild::run);
    }

    private static void run(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        String name = args[3];
        FastMmap cache = FastMmap.builder(file).pageCount(pageCount).pageSize(pageSize)
                .lockTimeout(Duration.ofSeconds(5)).deleteOnClose(true).build();
        Map<String, AtomicLong> thrown = new ConcurrentHashMap<>();
        Map<String, String> firstMessage = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong operations = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String prefix = name + "-t" + t + "-";
            String otherPrefix = (name.equals("a") ? "b" : "a") + "-t" + t + "-";
            Random random = new Random(t);
            Thread thread = new Thread(() -> {
                long[] lastWritten = new long[64];
                long sequence = 0;
                while (!stop.get()) {
                    int i = random.nextInt(64);
                    byte[] key = (prefix + i).getBytes(StandardCharsets.US_ASCII);
                    try {
                        if (random.nextBoolean()) {
                            sequence++;
                            cache.set(key, value(key, sequence));
                            lastWritten[i] = sequence;
                        } else {
                            byte[] read = cache.get(key);
                            long expected = lastWritten[i];
                            if (expected == 0 ? read != null : !java.util.Arrays.equals(read, value(key, expected))) {
                                wrong.add("own key " + new String(key, StandardCharsets.US_ASCII) + " read "
                                        + text(read) + ", last written sequence " + expected);
                            }
                            byte[] otherKey = (otherPrefix + i).getBytes(StandardCharsets.US_ASCII);
                            String problem = check(otherKey, cache.get(otherKey));
                            if (problem != null) {
                                wrong.add(problem);
                            }
                        }
                        operations.incrementAndGet();
                    } catch (Throwable failure) {
                        String kind = failure.getClass().getName()
                                + (failure instanceof FastMmapException ? " (a FastMmapException)" : "");
                        thrown.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                        firstMessage.putIfAbsent(kind, ChildSupport.oneLine(String.valueOf(failure.getMessage())));
                    }
                }
            }, "user-" + t);
            thread.start();
            threads.add(thread);
        }
        ChildSupport.println("READY " + ChildSupport.identity(cache));
        while (true) {
            String[] command = ChildSupport.nextCommand().split(" ", 3);
            switch (command[0]) {
                case "SET" -> {
                    cache.set(bytes(command[1]), bytes(command[2]));
                    ChildSupport.println("SET-OK");
                }
                case "GET" -> ChildSupport.println("VALUE " + text(cache.get(bytes(command[1]))));
                case "REOPEN-GET" -> {
                    try (FastMmap again = FastMmap.builder(file).pageCount(pageCount).pageSize(pageSize).build()) {
                        ChildSupport.println("REOPENED " + text(again.get(bytes(command[1]))));
                    } catch (FastMmapException refused) {
                        ChildSupport.println("REOPEN-FAILED " + refused.getClass().getName() + ": "
                                + ChildSupport.oneLine(refused.getMessage()));
                    }
                }
                case "VERIFY" -> {
                    VerifyReport report = cache.verify();
                    ChildSupport.println("VERIFY clean=" + report.isClean() + " "
                            + ChildSupport.oneLine(report.findings().toString()));
                }
                case "STOP" -> {
                    stop.set(true);
                    for (Thread thread : threads) {
                        thread.join(30_000);
                    }
                    wrong.forEach(problem -> ChildSupport.println("WRONG " + ChildSupport.oneLine(problem)));
                    thrown.forEach((kind, count) -> ChildSupport.println("THROWN " + count + " " + kind + ": "
                            + firstMessage.get(kind)));
                    ChildSupport.println("OPS " + operations.get());
                    cache.close();
                    ChildSupport.println("CLOSED");
                    return;
                }
                default -> ChildSupport.bad("unknown command " + String.join(" ", command));
            }
        }
    }

    /** The key, a separator, the sequence number, and sequence-dependent filler of a sequence-dependent length. */
    static byte[] value(byte[] key, long sequence) {
        byte[] head = (new String(key, StandardCharsets.US_ASCII) + "|" + sequence + "|")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] value = java.util.Arrays.copyOf(head, head.length + (int) (sequence % 300));
        java.util.Arrays.fill(value, head.length, value.length, (byte) sequence);
        return value;
    }

    /** @return null when {@code read} is absent or an intact value of {@code key}, else what is wrong */
    static String check(byte[] key, byte[] read) {
        if (read == null) {
            return null;
        }
        String text = new String(read, StandardCharsets.ISO_8859_1);
        String[] parts = text.split("\\|", 3);
        try {
            if (parts.length == 3 && java.util.Arrays.equals(read, value(key, Long.parseLong(parts[1])))) {
                return null;
            }
        } catch (NumberFormatException torn) {
            // reported below
        }
        return "key " + new String(key, StandardCharsets.US_ASCII) + " read a value that is not its own intact "
                + "value: " + ChildSupport.hex(read, 64);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return value == null ? "null" : new String(value, StandardCharsets.UTF_8);
    }
}
