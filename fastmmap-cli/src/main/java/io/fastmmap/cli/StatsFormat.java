package io.fastmmap.cli;

import io.fastmmap.CacheStats;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The file's shared figures, for people ({@link #print}, {@link #line}) and for programs ({@link #json},
 * {@link #prometheus}). Hits and misses are counted per process (see {@link CacheStats}), so a separate command
 * has none to show.
 */
final class StatsFormat {
    private StatsFormat() {
    }

    /** {@code stats --format=...}. */
    enum Output { text, json, prometheus }

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

    /** One JSON object on one line; the counters count since the file was created, for all its processes. */
    static String json(CacheStats stats, Path file) {
        return "{\"file\":" + jsonString(file.toString()) + ",\"entries\":" + stats.entryCount()
                + ",\"usedBytes\":" + stats.usedBytes() + ",\"freeBytes\":" + stats.freeBytes()
                + ",\"evictions\":" + stats.evictionCount() + ",\"expirations\":" + stats.expirationCount()
                + ",\"pageRepairs\":" + stats.pageRepairCount() + ",\"lockRecoveries\":" + stats.lockRecoveryCount()
                + "}";
    }

    /**
     * Prometheus' text format, for node_exporter's textfile collector: gauges for the fill, counters (since the file
     * was created, reset when it is re-created) for the events; every sample labelled with the file.
     */
    static String prometheus(CacheStats stats, Path file) {
        String label = "{file=\"" + file.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                + "\"}";
        StringBuilder out = new StringBuilder();
        metric(out, label, "fastmmap_entries", "gauge", "Entries in the file, including expired ones not yet dropped.",
                stats.entryCount());
        metric(out, label, "fastmmap_used_bytes", "gauge", "Bytes of the pages in use by entries.", stats.usedBytes());
        metric(out, label, "fastmmap_free_bytes", "gauge", "Bytes of the pages free for entries.", stats.freeBytes());
        metric(out, label, "fastmmap_evictions_total", "counter", "Live entries dropped to make room.",
                stats.evictionCount());
        metric(out, label, "fastmmap_expirations_total", "counter", "Expired entries dropped.",
                stats.expirationCount());
        metric(out, label, "fastmmap_page_repairs_total", "counter", "Damaged pages rebuilt.",
                stats.pageRepairCount());
        metric(out, label, "fastmmap_lock_recoveries_total", "counter", "Page locks taken over from dead processes.",
                stats.lockRecoveryCount());
        return out.toString();
    }

    private static void metric(StringBuilder out, String label, String name, String type, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(label).append(' ').append(value).append('\n');
    }

    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
