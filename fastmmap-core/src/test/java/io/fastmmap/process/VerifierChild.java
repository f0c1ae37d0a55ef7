package io.fastmmap.process;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every key of every writer of {@link KillRecoveryTest} once, timing each get, and prints what it read; the
 * parent judges it against the acknowledged writes. Used both in the test JVM ({@link #readAll}) and as a fresh child
 * JVM of the other JDK version.
 *
 * <p>Arguments: {@code file pageCount pageSize writerCount keyCount}. Output: {@code READY ...}, one
 * {@link Reading#toLine() VAL} line per key, {@code STATS <evictions> <expirations> <repairs> <lock recoveries>},
 * {@code DONE}.
 */
public final class VerifierChild {
    private VerifierChild() {
    }

    /**
     * One key as read.
     *
     * @param writer the writer id
     * @param index the key index
     * @param seq the value's sequence number, or -1 for null (absent)
     * @param problem null, or what is wrong with the value or the call ("BAD:..." or "EXCEPTION:...")
     * @param micros how long the get took
     */
    public record Reading(int writer, int index, long seq, String problem, long micros) {
        public String toLine() {
            String what = problem != null ? problem : seq < 0 ? "NULL" : Long.toString(seq);
            return "VAL " + writer + " " + index + " " + micros + " " + ChildSupport.oneLine(what);
        }

        public static Reading parse(String line) {
            String[] parts = line.split(" ", 5);
            int writer = Integer.parseInt(parts[1]);
            int index = Integer.parseInt(parts[2]);
            long micros = Long.parseLong(parts[3]);
            String what = parts[4];
            if (what.equals("NULL")) {
                return new Reading(writer, index, -1, null, micros);
            }
            if (Character.isDigit(what.charAt(0))) {
                return new Reading(writer, index, Long.parseLong(what), null, micros);
            }
            return new Reading(writer, index, -1, what, micros);
        }
    }

    /** Gets every key of {@code writerCount} writers with {@code keyCount} keys each, verifying each value. */
    public static List<Reading> readAll(FastMmap cache, int writerCount, int keyCount) {
        List<Reading> readings = new ArrayList<>(writerCount * keyCount);
        for (int writer = 0; writer < writerCount; writer++) {
            for (int index = 0; index < keyCount; index++) {
                byte[] key = WriterValue.key(writer, index);
                long start = System.nanoTime();
                byte[] value;
                try {
                    value = cache.get(key);
                } catch (RuntimeException e) {
                    long micros = (System.nanoTime() - start) / 1000;
                    readings.add(new Reading(writer, index, -1, "EXCEPTION:" + e, micros));
                    continue;
                }
                long micros = (System.nanoTime() - start) / 1000;
                if (value == null) {
                    readings.add(new Reading(writer, index, -1, null, micros));
                    continue;
                }
                try {
                    readings.add(new Reading(writer, index, WriterValue.verify(key, writer, value), null, micros));
                } catch (IllegalArgumentException e) {
                    readings.add(new Reading(writer, index, -1, "BAD:" + e.getMessage(), micros));
                }
            }
        }
        return readings;
    }

    public static String statsLine(CacheStats stats) {
        return "STATS " + stats.evictionCount() + " " + stats.expirationCount() + " " + stats.pageRepairCount() + " "
                + stats.lockRecoveryCount();
    }

    public static CacheStats parseStats(String line) {
        String[] parts = line.split(" ");
        return CacheStats.builder().evictionCount(Long.parseLong(parts[1])).expirationCount(Long.parseLong(parts[2]))
                .pageRepairCount(Long.parseLong(parts[3])).lockRecoveryCount(Long.parseLong(parts[4])).build();
    }

    public static void main(String[] args) {
        ChildSupport.main(args, VerifierChild::run);
    }

    private static void run(String[] args) {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        int writerCount = Integer.parseInt(args[3]);
        int keyCount = Integer.parseInt(args[4]);
        try (FastMmap cache = ChildSupport.open(file, pageCount, pageSize, Duration.ofSeconds(5))) {
            ChildSupport.println("READY " + ChildSupport.identity(cache));
            for (Reading reading : readAll(cache, writerCount, keyCount)) {
                ChildSupport.println(reading.toLine());
            }
            ChildSupport.println(statsLine(cache.stats()));
        }
        ChildSupport.println("DONE");
    }
}
