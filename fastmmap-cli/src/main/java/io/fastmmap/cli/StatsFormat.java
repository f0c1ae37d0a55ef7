package io.fastmmap.cli;

import io.fastmmap.CacheStats;
import java.io.PrintStream;

/**
 * The file's shared figures. Hits and misses are counted per process (see {@link CacheStats}), so a separate
 * command has none to show.
 */
final class StatsFormat {
    private StatsFormat() {
    }

    static void print(CacheStats stats, PrintStream out) {
        out.println("entries:         " + stats.entryCount() + "   (including expired ones not yet dropped)");
        out.println("used:            " + Units.bytes(stats.usedBytes()));
        out.println("free:            " + Units.bytes(stats.freeBytes()));
        out.println("evictions:       " + stats.evictionCount() + "   (live entries dropped for room)");
        out.println("expirations:     " + stats.expirationCount());
        out.println("page repairs:    " + stats.pageRepairCount());
        out.println("lock recoveries: " + stats.lockRecoveryCount() + "   (locks taken over from dead processes)");
    }

    static String line(CacheStats stats) {
        return "entries=" + stats.entryCount() + " usedBytes=" + stats.usedBytes() + " freeBytes=" + stats.freeBytes()
                + " evictions=" + stats.evictionCount() + " expirations=" + stats.expirationCount()
                + " repairs=" + stats.pageRepairCount() + " lockRecoveries=" + stats.lockRecoveryCount();
    }
}
