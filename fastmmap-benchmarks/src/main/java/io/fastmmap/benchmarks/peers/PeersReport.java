package io.fastmmap.benchmarks.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Writes the peers report (docs/benchmarks-peers.md, or a copy for a quick run) from one results directory of
 * run-all.sh: JMH's {@code jmh-*.json}, {@code multiprocess.jsonl}, {@code footprint.jsonl} and {@code machine.txt}.
 * Its chart is drawn from the report's own tables by {@code fastmmap-benchmarks/charts.py}.
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.benchmarks.peers.PeersReport RESULTS_DIR OUT.md CHART.png "NOTE"
 * </pre>
 */
public final class PeersReport {
    static final String PRIMARY = "10000keys-1024B-get90-uniform-fit";
    static final String PRIMARY_GETS = "10000keys-1024B-get100-uniform-fit";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONE = "_No results yet: see [How to run](#how-to-run)._";

    private final List<Jmh> jmh = new ArrayList<>();
    private final List<JsonNode> processes = new ArrayList<>();
    private final List<JsonNode> footprints = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();
    /** A smoke-test run (machine.txt says so): figures are shown, but no goal is judged on them. */
    private boolean quick;

    /** One JMH row: a benchmark method on one store, workload, thread count and JDK, with both modes merged. */
    static final class Jmh {
        String store;
        String method;
        String workload;
        int threads;
        int jdk;
        double opsPerSec = Double.NaN;
        double opsError = Double.NaN;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        double allocPerOp = Double.NaN;
        /** SampleTime's mean, for ops/s when only SampleTime ran (the quick run). */
        double sampleMeanNanos = Double.NaN;
        boolean opsDerived;

        String name() {
            return method.equals("op") ? store : store + " " + method;
        }

        boolean is(String store, String method, String workload, int threads) {
            return this.store.equals(store) && this.method.equals(method) && this.workload.equals(workload)
                    && this.threads == threads;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: PeersReport RESULTS_DIR OUT.md CHART.png NOTE");
        }
        Path results = Path.of(args[0]);
        PeersReport report = new PeersReport();
        report.load(results);
        Path markdown = Path.of(args[1]);
        report.markdown(results, args[2], args[3]);
        Files.writeString(markdown, report.out.toString());
    }

    private void load(Path results) throws IOException {
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("jmh-") && name.endsWith(".json") && Files.size(file) > 0) {
                    loadJmh(JSON.readTree(file.toFile()));
                } else if (name.equals("multiprocess.jsonl")) {
                    lines(file).forEach(processes::add);
                } else if (name.equals("footprint.jsonl")) {
                    lines(file).forEach(footprints::add);
                }
            }
        }
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    private void loadJmh(JsonNode results) {
        Map<String, Jmh> rows = new LinkedHashMap<>();
        for (Jmh row : jmh) {
            rows.put(key(row), row);
        }
        for (JsonNode result : results) {
            JsonNode params = result.path("params");
            Jmh row = new Jmh();
            String benchmark = result.path("benchmark").asText();
            row.method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            row.store = params.path("store").asText();
            row.workload = PeerWorkload.of(params.path("keyCount").asInt(), params.path("valueSize").asInt(),
                    params.path("mix").asText(), params.path("keys").asText(), params.path("sizing").asText()).label();
            row.threads = result.path("threads").asInt();
            row.jdk = Runtime.Version.parse(result.path("jdkVersion").asText()).feature();
            Jmh merged = rows.computeIfAbsent(key(row), k -> row);
            JsonNode primary = result.path("primaryMetric");
            if (result.path("mode").asText().equals("sample")) {
                double toNanos = nanosPer(primary.path("scoreUnit").asText());
                JsonNode percentiles = primary.path("scorePercentiles");
                merged.p50 = percentiles.path("50.0").asDouble() * toNanos;
                merged.p99 = percentiles.path("99.0").asDouble() * toNanos;
                merged.p999 = percentiles.path("99.9").asDouble() * toNanos;
                merged.sampleMeanNanos = primary.path("score").asDouble() * toNanos;
            } else {
                merged.opsPerSec = primary.path("score").asDouble();
                merged.opsError = primary.path("scoreError").asDouble(Double.NaN);
            }
            JsonNode alloc = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
            if (!alloc.isMissingNode() && (Double.isNaN(merged.allocPerOp) || !result.path("mode").asText()
                    .equals("sample"))) {
                merged.allocPerOp = alloc.path("score").asDouble();
            }
        }
        for (Jmh row : rows.values()) {
            if (Double.isNaN(row.opsPerSec) && !Double.isNaN(row.sampleMeanNanos)) {
                row.opsPerSec = row.threads * 1e9 / row.sampleMeanNanos;
                row.opsDerived = true;
            }
        }
        jmh.clear();
        jmh.addAll(rows.values());
    }

    private static String key(Jmh row) {
        return row.store + "|" + row.method + "|" + row.workload + "|" + row.threads + "|" + row.jdk;
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "s/op" -> 1e9;
            case "ms/op" -> 1e6;
            case "us/op" -> 1e3;
            default -> 1;
        };
    }

    private void markdown(Path results, String chart, String note) throws IOException {
        line("# fastmmap beside its peers");
        line("");
        line(note);
        line("");
        line("Written by `fastmmap-benchmarks/run-all.sh` (see [How to run](#how-to-run)); what each figure means is in "
                + "[What is measured](#what-is-measured). Ratios are fastmmap's figure over the peer's: above 1, "
                + "fastmmap does more operations per second.");
        line("");
        if (!jmh.isEmpty() || !processes.isEmpty()) {
            line("![operations per second of each peer](" + chart + ")");
            line("");
        }
        line("## Machine");
        line("");
        Path machine = results.resolve("machine.txt");
        if (!Files.exists(machine)) {
            line(NONE);
            line("");
        } else {
            line("```");
            String text = Files.readString(machine).strip();
            quick = text.contains("run: QUICK");
            out.append(text).append('\n');
            line("```");
            line("");
        }
        goals();
        primaryTable();
        processTable();
        footprintTable();
        allRows();
        methods();
    }

    /** The fixed part: what each figure is and how to get it again. */
    private void methods() {
        String text = """
                ## What is measured

                One workload for every peer (`PeerWorkload`): keys of 32–64 printable bytes (`session:` + random \
                characters); values of random bytes (100 B, 1 KiB, 16 KiB); a pre-generated stream of operations per \
                thread or process: gets and sets in the mix's proportion, keys uniform or Zipf(0.99) (scrambled, \
                as YCSB's); 10,000, 100,000 or 1,000,000 keys; the cache sized to hold them all, or half of them \
                (`overcommit2x`: every store evicts, a get that misses stores the value). Each store is filled with \
                every key before measuring.

                | peer | how it runs |
                |---|---|
                | fastmmap | one cache file on tmpfs, pages 40 % full when it fits (64 KiB pages; 1 MiB for 16 KiB values) |
                | Chronicle Map | `ChronicleMapBuilder.of(byte[], byte[])`, `entries(keyCount)`, mean key size, constant value \
                size, persisted to a file on tmpfs; sets through a query context (no copy of the old value); no \
                eviction, so no overcommitted rows; JDK 25 with its documented `--add-opens`/`--add-exports` \
                and `-Dchronicle.analytics.disable=true` |
                | Redis | redis-server on loopback TCP, no persistence, started by run-all.sh; Jedis, one connection \
                per thread; `op` is one round trip per operation, `batch16` one pipeline of 16; overcommitted: \
                `maxmemory` half of the filled size, `allkeys-lru` |
                | Caffeine | on-heap, bounded by weight (key + value bytes), maintenance on the calling thread; a set \
                stores a copy, a get returns the stored array (no copy: the in-process ceiling) |
                | floor | XXH64 of the key picks a slot of a plain shared mapping; copy 1 KiB out into a new array \
                (the same floor as docs/benchmarks.md) |
                | Cache::FastMmap | the Debian package, `perl/cache-fastmmap-driver.pl`, same page size and count \
                as fastmmap's file, `raw_values => 1` or `serializer => 'storable'`; processes forked from one \
                parent |

                JMH: Throughput (ops/s over all threads) and SampleTime (p50/p99/p99.9 of one operation of the mix, \
                get or set), `-prof gc` (`gc.alloc.rate.norm`, bytes allocated per operation, for the in-process \
                stores; for Redis it is the client's allocation). Full run: 1 fork, 3 × 2 s warm-up, 5 × 2 s \
                measured; quick run: SampleTime only, in one JVM (`-f 0`), 1 × 1 s each, its ops/s (marked ≈) \
                derived from SampleTime's mean. Threads: 1, and twice the cores (more threads than cores).

                ## How to run

                ```
                fastmmap-benchmarks/run-all.sh                                  # full: about 65 minutes, writes this file
                fastmmap-benchmarks/run-all.sh --only primary,multiprocess      # measure some parts again, keep the rest
                fastmmap-benchmarks/run-all.sh --quick --out target/peers-quick # smoke test, a few minutes, CI
                ```

                As root it installs what is missing (`apt-get install -y libcache-fastmmap-perl redis-server \
                python3-matplotlib`), builds `fastmmap-benchmarks/target/benchmarks.jar` with `-Pbenchmarks`, starts \
                redis-server on a free loopback port (and stops it at the end), runs JMH, the multi-process drivers \
                and the footprint, and writes this report and its chart (the quick run writes them into its \
                `--out` directory instead). Single pieces, by hand:

                ```
                java -jar fastmmap-benchmarks/target/benchmarks.jar 'PeerBenchmark.op$' -p store=fastmmap,chronicle \\
                     -p mix=get100 -prof gc          # on JDK 24+ add -jvmArgsPrepend '--enable-native-access=ALL-UNNAMED'
                java -cp fastmmap-benchmarks/target/benchmarks.jar io.fastmmap.benchmarks.peers.MultiProcessDriver \\
                     prepare /dev/shm/w 10000 1024 get90 uniform fit 2
                java -cp fastmmap-benchmarks/target/benchmarks.jar io.fastmmap.benchmarks.peers.MultiProcessDriver \\
                     run /dev/shm/w 2 raw 5 10 results.jsonl
                perl fastmmap-benchmarks/perl/cache-fastmmap-driver.pl /dev/shm/w 2 raw 5 10 results.jsonl
                ```

                ## Not covered yet

                - Cache::FastMmap's space: it has no used-bytes counter, so its overhead per entry is not measured \
                (its documented layout: a 24-byte record header, a 4-byte slot, padding to 4 bytes).
                - Open-loop runs at a fixed offered rate with coordinated-omission correction, memcached, value sizes \
                drawn from a distribution, and a kill -9 during the runs (the torture module does that part).
                - Chronicle Map and Redis across processes: the multi-process comparison is fastmmap against \
                Cache::FastMmap only, as the issue asks.
                """;
        out.append(text);
    }

    private void goals() {
        line("## Goals (issue 5)");
        line("");
        line("| goal | target | measured | verdict |");
        line("|---|---|---|---|");
        goal("W1: raw 1 KiB, 90/10, 10k keys, 2 processes, fastmmap ÷ Cache::FastMmap ops/s", "≥ 40×",
                processRatio("raw", 2), 40, true);
        Optional<Double> w2 = processRatio("session", 2).or(() -> processRatio("session", 1));
        goal("W2: ~1 KiB session map (Codec.plainDataMap vs Storable), fastmmap ÷ Cache::FastMmap ops/s", "≥ 5×", w2, 5, true);
        Optional<Double> w2Json = processRatio("session-json", 2).or(() -> processRatio("session-json", 1));
        goal("W2 with the JSON codec (JsonCodec vs Storable), fastmmap ÷ Cache::FastMmap ops/s", "≥ 5×", w2Json, 5,
                true);
        goal("get (get100), fastmmap ÷ Chronicle Map ops/s, 1 thread", "≥ 2×",
                jmhRatio("chronicle", "op", PRIMARY_GETS), 2, true);
        goal("per thread (90/10), fastmmap ÷ Redis ops/s, 1 connection, no pipelining", "≥ 100×",
                jmhRatio("redis", "op", PRIMARY), 100, true);
        goal("90/10, fastmmap ÷ Caffeine ops/s, 1 thread", "≥ 0.33×", jmhRatio("caffeine", "op", PRIMARY), 0.33,
                true);
        Optional<Double> floor = find(r -> r.is("floor", "op", PRIMARY_GETS, 1)).flatMap(f ->
                find(r -> r.is("fastmmap", "op", PRIMARY_GETS, 1) && r.jdk == f.jdk).map(m -> m.p50 / f.p50))
                .filter(v -> !v.isNaN());
        goal("get p50, fastmmap ÷ floor (get100, 1 KiB, 10k keys)", "≤ 5×", floor, 5, false);
        Optional<Double> overhead = footprints.stream()
                .filter(f -> f.path("store").asText().equals("fastmmap") && f.path("workload").asText()
                        .contains("-1024B-") && f.path("workload").asText().endsWith("-fit"))
                .map(f -> f.path("overheadPerEntry").asDouble()).findFirst();
        goal("bytes of overhead per entry (fastmmap records, 1 KiB values)", "≤ 32 B", overhead, 32, false);
        Optional<Double> scale = find(r -> r.is("fastmmap", "op", "1000000keys-1024B-get90-uniform-fit", 1))
                .flatMap(big -> find(r -> r.is("fastmmap", "op", PRIMARY, 1) && r.jdk == big.jdk)
                        .map(small -> big.opsPerSec / small.opsPerSec));
        goal("throughput at 1M keys ÷ at 10k keys (fastmmap, 90/10, 1 KiB)", "≥ 0.67×", scale, 0.67, true);
        line("");
    }

    private void goal(String what, String target, Optional<Double> value, double bound, boolean atLeast) {
        String verdict = value.map(v -> quick ? "none: a quick run measures nothing"
                : (atLeast ? v >= bound : v <= bound) ? "met" : "**missed**").orElse("not measured in this run");
        String shown = value.map(v -> target.endsWith(" B") ? number(v) + " B" : ratio(v)).orElse("–");
        line("| " + what + " | " + target + " | " + shown + " | " + verdict + " |");
    }

    private Optional<Jmh> find(Predicate<Jmh> which) {
        // The newest JDK first: the report's main figures are JDK 25's when both were run.
        return jmh.stream().filter(which).filter(r -> !Double.isNaN(r.opsPerSec) || !Double.isNaN(r.p50))
                .max(Comparator.comparingInt(r -> r.jdk));
    }

    /** fastmmap ÷ peer ops/s, on the JDK the peer ran on. */
    private Optional<Double> jmhRatio(String peer, String method, String workload) {
        return find(r -> r.is(peer, method, workload, 1)).flatMap(p ->
                find(r -> r.is("fastmmap", "op", workload, 1) && r.jdk == p.jdk).map(f -> f.opsPerSec / p.opsPerSec))
                .filter(v -> !v.isNaN());
    }

    private Optional<JsonNode> process(String implPrefix, String mode, int count) {
        return processes.stream().filter(p -> p.path("impl").asText().startsWith(implPrefix)
                && p.path("mode").asText().equals(mode) && p.path("processes").asInt() == count
                && p.path("workload").asText().equals(PRIMARY)).reduce((first, last) -> last);
    }

    /** fastmmap's {@code session-json} runs face the same Cache::FastMmap runs as {@code session} (Storable). */
    private Optional<Double> processRatio(String mode, int count) {
        String perlMode = mode.equals("session-json") ? "session" : mode;
        return process("fastmmap", mode, count).flatMap(f -> process("Cache::FastMmap", perlMode, count)
                .map(c -> f.path("opsPerSec").asDouble() / c.path("opsPerSec").asDouble()));
    }

    private void primaryTable() {
        line("## One JVM, the primary workload");
        line("");
        line("1 KiB values, 10,000 keys of 32–64 B, 90 % gets / 10 % sets, uniform keys, sized to fit, 1 thread "
                + "(Redis: 1 connection). JMH Throughput for ops/s, SampleTime for the percentiles (of one operation "
                + "of the mix), `-prof gc` for the bytes allocated per operation.");
        line("");
        jmhTable(r -> r.workload.equals(PRIMARY) && r.threads == 1);
    }

    private void jmhTable(Predicate<Jmh> which) {
        if (jmh.stream().noneMatch(which)) {
            line(NONE);
            line("");
            return;
        }
        line("| store | JDK | threads | ops/s | fastmmap ÷ store | p50 ns | p99 ns | p99.9 ns | alloc B/op |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        jmh.stream().filter(which).sorted(Comparator.comparingInt((Jmh r) -> order(r.store))
                .thenComparing(r -> r.method).thenComparingInt(r -> -r.jdk).thenComparingInt(r -> r.threads))
                .forEach(r -> {
                    Optional<Jmh> ours = jmh.stream().filter(f -> f.is("fastmmap", "op", r.workload, r.threads)
                            && f.jdk == r.jdk).findFirst();
                    String versus = ours.map(f -> ratio(f.opsPerSec / r.opsPerSec)).orElse("–");
                    line("| " + r.name() + " | " + r.jdk + " | " + r.threads + " | " + (r.opsDerived ? "≈ " : "")
                            + number(r.opsPerSec) + " | "
                            + versus + " | " + number(r.p50) + " | " + number(r.p99) + " | " + number(r.p999) + " | "
                            + number(r.allocPerOp) + " |");
                });
        line("");
    }

    private static int order(String store) {
        int at = PeerStores.NAMES.indexOf(store);
        return at < 0 ? PeerStores.NAMES.size() : at;
    }

    private void processTable() {
        line("## Processes on one file: fastmmap and Cache::FastMmap");
        line("");
        line("`MultiProcessDriver` (fastmmap, one JVM per process) and `perl/cache-fastmmap-driver.pl` "
                + "(Cache::FastMmap, one Perl process each) run the same key and operation files; every operation is "
                + "timed (System.nanoTime / CLOCK_MONOTONIC, whose cost is inside the figures). ops/s is the sum over "
                + "the processes. `session`: a ~1 KiB session map, stored with each side's binary codec for plain "
                + "data: `Codec.plainDataMap()` for fastmmap, Storable for Cache::FastMmap. `session-json`: fastmmap "
                + "with its JSON codec (fastmmap-codecs' `JsonCodec`, Jackson) instead, against the same Storable runs.");
        line("");
        if (processes.isEmpty()) {
            line(NONE);
            line("");
            return;
        }
        line("| implementation | mode | processes | workload | ops/s | fastmmap ÷ it | get p50 ns | get p99 ns | "
                + "get p99.9 ns | set p50 ns | set p99 ns |");
        line("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (JsonNode p : processes) {
            Optional<JsonNode> ours = processes.stream().filter(f -> f.path("impl").asText().equals("fastmmap")
                    && f.path("mode").equals(p.path("mode")) && f.path("processes").equals(p.path("processes"))
                    && f.path("workload").equals(p.path("workload"))).reduce((a, b) -> b);
            line("| " + p.path("impl").asText() + (p.has("jdk") ? " (JDK " + p.path("jdk").asText() + ")" : "")
                    + " | " + p.path("mode").asText() + " | " + p.path("processes").asInt() + " | "
                    + p.path("workload").asText() + " | " + number(p.path("opsPerSec").asDouble()) + " | "
                    + ours.map(f -> ratio(f.path("opsPerSec").asDouble() / p.path("opsPerSec").asDouble()))
                    .orElse("–") + " | " + number(p.path("get").path("p50").asDouble()) + " | "
                    + number(p.path("get").path("p99").asDouble()) + " | "
                    + number(p.path("get").path("p999").asDouble()) + " | "
                    + number(p.path("set").path("p50").asDouble()) + " | "
                    + number(p.path("set").path("p99").asDouble()) + " |");
        }
        line("");
    }

    private void footprintTable() {
        line("## Space");
        line("");
        line("`Footprint`: each store filled once with the workload's keys. Overhead per entry = (bytes used − keys "
                + "and values) ÷ entries; what \"used\" is differs per store (last column). fastmmap's counts its "
                + "records (24-byte header, key, value, padding to 8), not the slot tables and page headers, which "
                + "are part of the file size. Chronicle Map reserves its memory for `entries()` up front.");
        line("");
        if (footprints.isEmpty()) {
            line(NONE);
            line("");
            return;
        }
        line("| store | JDK | workload | entries | overhead B/entry | file ÷ live data | used bytes means |");
        line("|---|---:|---|---:|---:|---:|---|");
        for (JsonNode f : footprints) {
            line("| " + f.path("store").asText() + " | " + f.path("jdk").asText() + " | " + f.path("workload").asText()
                    + " | " + number(f.path("entries").asDouble()) + " | "
                    + (f.path("overheadPerEntry").isNull() ? "–" : number(f.path("overheadPerEntry").asDouble()))
                    + " | " + (f.path("fileOverLive").isNull() ? "–" : ratio(f.path("fileOverLive").asDouble()))
                    + " | " + f.path("how").asText() + " |");
        }
        line("");
    }

    private void allRows() {
        line("## Every JMH measurement");
        line("");
        line("Workload names: keys, value bytes, mix (get100/95/90/50 = share of gets, set100 = writes only), key "
                + "distribution (uniform or zipf = Zipf 0.99), sizing (fit, or overcommit2x: room for half the "
                + "data, so every store evicts; a get that misses stores the value). `batch16`: 16 operations per "
                + "call (Redis: one pipeline), per-operation figures.");
        line("");
        if (jmh.isEmpty()) {
            line(NONE);
            line("");
        }
        jmh.stream().map(r -> r.workload).distinct().sorted().forEach(workload -> {
            line("### " + workload);
            line("");
            jmhTable(r -> r.workload.equals(workload));
        });
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String ratio(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "–";
        }
        return value >= 10 ? String.format(Locale.ROOT, "%.0f×", value) : String.format(Locale.ROOT, "%.2f×", value);
    }
}
