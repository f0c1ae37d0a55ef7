package io.fastmmap.cli;

import io.fastmmap.CacheStats;
import io.fastmmap.perl.PerlCacheStats;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The file's shared figures, for people ({@link #print}, {@link #line}) and for programs ({@link #json},
 * {@link #prometheus}). Hits and misses are counted per process (see {@link CacheStats}), so a separate command
 * has none to show for a fastmmap file; a Cache::FastMmap file counts its Perl processes' reads in its pages.
 */
final class StatsFormat {
    private StatsFormat() {
    }

    /** {@code stats --format=...}. */
    enum Output { text, json, prometheus }

    /**
     * One figure in every output.
     *
     * @param label the text output's label
     * @param name the JSON name; the Prometheus name is {@code fastmmap_} + it in snake case (+ {@code _total})
     * @param counter true for a count of events (a Prometheus counter), false for a level (a gauge)
     * @param bytes true to show the text output in bytes units
     * @param note the text output's remark, or ""
     * @param help the Prometheus help text
     */
    record Figure(String label, String name, boolean counter, boolean bytes, String note, String help, long value) {
        String prometheusName() {
            return "fastmmap_" + name.replaceAll("([A-Z])", "_$1").toLowerCase() + (counter ? "_total" : "");
        }
    }

    static List<Figure> of(CacheStats stats) {
        return List.of(
                new Figure("entries", "entries", false, false, "including expired ones not yet dropped",
                        "Entries in the file, including expired ones not yet dropped.", stats.entryCount()),
                new Figure("used", "usedBytes", false, true, "", "Bytes of the pages in use by entries.",
                        stats.usedBytes()),
                new Figure("free", "freeBytes", false, true, "", "Bytes of the pages free for entries.",
                        stats.freeBytes()),
                new Figure("evictions", "evictions", true, false, "live entries dropped for room",
                        "Live entries dropped to make room.", stats.evictionCount()),
                new Figure("expirations", "expirations", true, false, "", "Expired entries dropped.",
                        stats.expirationCount()),
                new Figure("page repairs", "pageRepairs", true, false, "", "Damaged pages rebuilt.",
                        stats.pageRepairCount()),
                new Figure("lock recoveries", "lockRecoveries", true, false, "locks taken over from dead processes",
                        "Page locks taken over from dead processes.", stats.lockRecoveryCount()));
    }

    /** Cache::FastMmap keeps no eviction or expiry counts; its pages count Perl's reads instead. */
    static List<Figure> of(PerlCacheStats stats) {
        return List.of(
                new Figure("entries", "entries", false, false, "including expired ones not yet dropped",
                        "Entries in the file, including expired ones not yet dropped.", stats.entryCount()),
                new Figure("used", "usedBytes", false, true, "including removed ones until the page is compacted",
                        "Bytes of the pages' records, including removed ones until the page is compacted.",
                        stats.usedBytes()),
                new Figure("free", "freeBytes", false, true, "", "Bytes of the pages free for entries.",
                        stats.freeBytes()),
                new Figure("reads", "reads", true, false,
                        "Perl's get_statistics: gets of Perl processes with enable_stats => 1",
                        "Cache::FastMmap gets of Perl processes with enable_stats => 1, since the last "
                                + "get_statistics(1).", stats.readCount()),
                new Figure("read hits", "readHits", true, false, "those that found a value",
                        "Cache::FastMmap gets of Perl processes with enable_stats => 1 that found a value.",
                        stats.readHitCount()));
    }

    static void print(List<Figure> figures, PrintStream out) {
        for (Figure figure : figures) {
            String value = figure.bytes() ? Units.bytes(figure.value()) : Long.toString(figure.value());
            out.println(String.format("%-17s", figure.label() + ":") + value
                    + (figure.note().isEmpty() ? "" : "   (" + figure.note() + ")"));
        }
    }

    static String line(List<Figure> figures) {
        StringBuilder out = new StringBuilder();
        for (Figure figure : figures) {
            out.append(out.isEmpty() ? "" : " ").append(figure.name()).append('=').append(figure.value());
        }
        return out.toString();
    }

    /**
     * One JSON object on one line; the counters count since the file was created, for all its processes.
     *
     * @param format "fastmmap" or "Cache::FastMmap"
     */
    static String json(List<Figure> figures, Path file, String format) {
        StringBuilder out = new StringBuilder("{\"file\":").append(Json.string(file.toString()))
                .append(",\"format\":").append(Json.string(format));
        for (Figure figure : figures) {
            out.append(",\"").append(figure.name()).append("\":").append(figure.value());
        }
        return out.append('}').toString();
    }

    /**
     * Prometheus' text format, for node_exporter's textfile collector: gauges for the fill, counters (since the file
     * was created, reset when it is re-created) for the events; every sample labelled with the file.
     */
    static String prometheus(List<Figure> figures, Path file) {
        String label = "{file=\"" + file.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                + "\"}";
        StringBuilder out = new StringBuilder();
        for (Figure figure : figures) {
            String name = figure.prometheusName();
            out.append("# HELP ").append(name).append(' ').append(figure.help()).append('\n')
                    .append("# TYPE ").append(name).append(' ').append(figure.counter() ? "counter" : "gauge")
                    .append('\n').append(name).append(label).append(' ').append(figure.value()).append('\n');
        }
        return out.toString();
    }
}
