package io.fastmmap.cli;

import io.fastmmap.CacheStats;
import java.io.PrintStream;

final class StatsFormat {
    private StatsFormat() {
    }

    static void print(CacheStats stats, PrintStream out) {
        out.println("evictions:      " + stats.evictionCount() + "   (live entries dropped for room)");
        out.println("expirations:    " + stats.expirationCount());
        out.println("page repairs:   " + stats.pageRepairCount());
        out.println("lock recoveries:" + " " + stats.lockRecoveryCount() + "   (locks taken over from dead processes)");
    }

    static String line(CacheStats stats) {
        return "evictions=" + stats.evictionCount() + " expirations=" + stats.expirationCount()
                + " repairs=" + stats.pageRepairCount() + " lockRecoveries=" + stats.lockRecoveryCount();
    }
}
