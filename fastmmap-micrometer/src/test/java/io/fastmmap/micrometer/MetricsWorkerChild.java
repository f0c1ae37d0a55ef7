package io.fastmmap.micrometer;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The second process of {@link FastMmapMetricsTwoProcessTest}: opens the shared file with stats enabled and a clock
 * one hour ahead, then reads the key whose lock holder was killed (a lock takeover), the damaged key (a page repair)
 * and an absent key, purges (the parent's short-lived keys have expired by its clock), writes more than the file
 * holds (evictions), and prints {@code STATS <CacheStats figures, space separated>}.
 *
 * <p>Arguments: {@code file pageCount pageSize heldKey damagedKey fillerCount fillerBytes}.
 */
public final class MetricsWorkerChild {
    private MetricsWorkerChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, MetricsWorkerChild::run);
    }

    private static void run(String[] args) {
        try (FastMmap cache = FastMmap.builder(Path.of(args[0])).pageCount(Integer.parseInt(args[1]))
                .pageSize(Integer.parseInt(args[2])).lockTimeout(Duration.ofSeconds(10)).enableStats(true)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))).build()) {
            ChildSupport.println("READY " + ChildSupport.identity(cache));
            ChildSupport.println("HELD " + text(cache.get(bytes(args[3]))));
            ChildSupport.println("DAMAGED " + text(cache.get(bytes(args[4]))));
            cache.get(bytes("absent-in-the-child"));
            cache.purge();
            int fillers = Integer.parseInt(args[5]);
            for (int i = 0; i < fillers; i++) {
                cache.set(bytes("child-filler-" + i), new byte[Integer.parseInt(args[6])]);
            }
            ChildSupport.println(statsLine(cache.stats()));
        }
    }

    static String statsLine(CacheStats s) {
        return "STATS " + s.hitCount() + " " + s.missCount() + " " + s.setCount() + " " + s.removeCount() + " "
                + s.evictionCount() + " " + s.protectedEvictionCount() + " " + s.expirationCount() + " " + s.pageRepairCount() + " "
                + s.lockRecoveryCount() + " " + s.entryCount() + " " + s.usedBytes() + " " + s.freeBytes() + " "
                + s.tooLargeRefusalCount();
    }

    static CacheStats parseStats(String line) {
        String[] f = line.substring("STATS ".length()).split(" ");
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = Long.parseLong(f[i]);
        }
        return CacheStats.builder().hitCount(v[0]).missCount(v[1]).setCount(v[2]).removeCount(v[3]).evictionCount(v[4])
                .protectedEvictionCount(v[5]).expirationCount(v[6]).pageRepairCount(v[7]).lockRecoveryCount(v[8])
                .entryCount(v[9]).usedBytes(v[10]).freeBytes(v[11]).tooLargeRefusalCount(v[12]).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return value == null ? "NULL" : new String(value, StandardCharsets.UTF_8);
    }
}
