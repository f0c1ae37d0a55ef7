package io.fastmmap.benchmarks.peers;

import io.fastmmap.Codec;
import io.fastmmap.FastMmap;
import io.fastmmap.benchmarks.Workload;
import io.fastmmap.perl.PerlCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * N processes on one fastmmap file, each running its own stream of the workload's operations; the Java side of the
 * fastmmap vs Cache::FastMmap comparison (cache-fastmmap-driver.pl is the Perl side, on the same files).
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.benchmarks.peers.MultiProcessDriver prepare DIR KEYS VALUE_BYTES MIX DIST SIZING STREAMS
 *   java -cp benchmarks.jar io.fastmmap.benchmarks.peers.MultiProcessDriver run DIR PROCESSES raw|session|session-json WARMUP_S SECONDS OUT.jsonl
 * </pre>
 *
 * {@code prepare} writes the workload files ({@link WorkloadFiles}). {@code run} creates and fills the cache file in
 * DIR, starts PROCESSES worker JVMs (this JVM's java and class path), lets them open the file and load their
 * streams, starts them together, and merges what they measured: operations per second over all processes, and
 * p50/p99/p99.9 of get and set from each worker's HdrHistogram (one {@code System.nanoTime()} pair per operation).
 * One JSON line per run is appended to OUT.jsonl. In {@code session} mode the value is the ~1 KiB session map: a
 * get decodes it into a map, a set encodes the map, with {@code Codec.plainDataMap()} (see {@link SessionMap}), as
 * an application would; {@code session-json} does the same with fastmmap-codecs' {@code JsonCodec} (Jackson). Both
 * are measured against the Perl driver's {@code session} mode (Storable): the JSON line says {@code "mode":"session"}
 * or {@code "session-json"}.
 */
public final class MultiProcessDriver {
    private static final long HIGHEST_NANOS = 60_000_000_000L;

    private MultiProcessDriver() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw usage();
        }
        switch (args[0]) {
            case "prepare" -> {
                need(args, 8);
                WorkloadFiles.write(Path.of(args[1]), PeerWorkload.of(Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]), args[4], args[5], args[6]), Integer.parseInt(args[7]));
            }
            case "run" -> {
                need(args, 7);
                run(Path.of(args[1]), Integer.parseInt(args[2]), Kind.of(args[3]), Double.parseDouble(args[4]),
                        Double.parseDouble(args[5]), Path.of(args[6]));
            }
            case "worker" -> {
                need(args, 6);
                worker(Path.of(args[1]), Integer.parseInt(args[2]), Kind.of(args[3]), Double.parseDouble(args[4]),
                        Double.parseDouble(args[5]));
            }
            default -> throw usage();
        }
    }

    private static IllegalArgumentException usage() {
        return new IllegalArgumentException("usage: MultiProcessDriver prepare DIR KEYS VALUE_BYTES MIX DIST SIZING "
                + "STREAMS | run DIR PROCESSES raw|session|session-json WARMUP_SECONDS SECONDS OUT.jsonl");
    }

    /** What a run stores: raw bytes, or the session map through one of the two codecs. */
    enum Kind {
        RAW("raw", WorkloadFiles.Mode.RAW, null, false),
        SESSION("session", WorkloadFiles.Mode.SESSION, Codec.plainDataMap(), false),
        SESSION_JSON("session-json", WorkloadFiles.Mode.SESSION, SessionMap.JSON_CODEC, false),
        /** raw, by fastmmap-perl's PerlCache on a Cache::FastMmap file of the geometry the Perl driver uses */
        RAW_PERL_FORMAT("raw-perl-format", WorkloadFiles.Mode.RAW, null, true);

        final String name;
        final WorkloadFiles.Mode mode;
        final Codec<Map<String, Object>> codec;
        final boolean perlFormat;

        Kind(String name, WorkloadFiles.Mode mode, Codec<Map<String, Object>> codec, boolean perlFormat) {
            this.name = name;
            this.mode = mode;
            this.codec = codec;
            this.perlFormat = perlFormat;
        }

        static Kind of(String name) {
            for (Kind kind : values()) {
                if (kind.name.equals(name)) {
                    return kind;
                }
            }
            throw usage();
        }
    }

    private static void need(String[] args, int count) {
        if (args.length != count) {
            throw usage();
        }
    }

    private static Path cacheFile(Path dir, Kind kind) {
        return dir.resolve("fastmmap-" + kind.name + ".fmm");
    }

    /** The two operations a run makes, on a fastmmap file or on a Cache::FastMmap file. */
    private record Store(Function<byte[], byte[]> getter, BiConsumer<byte[], byte[]> setter, Runnable closer)
            implements AutoCloseable {
        byte[] get(byte[] key) {
            return getter.apply(key);
        }

        void set(byte[] key, byte[] value) {
            setter.accept(key, value);
        }

        @Override
        public void close() {
            closer.run();
        }

        /** Opens the kind's file; {@code create}: wipes it first and deletes it on close (the parent). */
        static Store open(PeerWorkload workload, Path dir, Kind kind, boolean create) throws IOException {
            Path file = cacheFile(dir, kind);
            if (!kind.perlFormat) {
                FastMmap cache = FastMmapStore.builder(workload, file).recreate(create).deleteOnClose(create).build();
                return new Store(cache::get, cache::set, cache::close);
            }
            if (create) {
                Files.deleteIfExists(file);
            }
            PerlCache cache = PerlCache.builder(file).pageSize(Workload.pageSize(workload.valueSize()))
                    .pageCount(FastMmapStore.pageCount(workload)).build();
            return new Store(cache::get, cache::set, () -> {
                cache.close();
                if (create) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
    }

    private static PeerWorkload sized(Path dir, WorkloadFiles.Mode mode) throws IOException {
        return mode.sized(WorkloadFiles.read(dir), (int) Files.size(dir.resolve("session.json")));
    }

    /** The bytes stored: value.bin, or the session of session.json as the kind's codec writes it. */
    private static byte[] storedValue(Path dir, Kind kind) throws IOException {
        return kind.codec == null ? Files.readAllBytes(dir.resolve("value.bin"))
                : kind.codec.encode(SessionMap.fromJson(Files.readAllBytes(dir.resolve("session.json"))));
    }

    static void run(Path dir, int processes, Kind kind, double warmupSeconds, double seconds, Path out)
            throws Exception {
        PeerWorkload workload = sized(dir, kind.mode);
        byte[][] keys = workload.keys();
        byte[] value = storedValue(dir, kind);
        try (Store cache = Store.open(workload, dir, kind, true)) {
            for (byte[] key : keys) {
                cache.set(key, value);
            }
            List<Process> workers = new ArrayList<>();
            String java = ProcessHandle.current().info().command().orElse("java");
            for (int p = 0; p < processes; p++) {
                List<String> command = new ArrayList<>(List.of(java, "-Xms1g", "-Xmx1g"));
                if (kind.perlFormat) { // PerlCache's direct fcntl calls (JDK 22+), as its docs tell applications
                    command.add("--enable-native-access=ALL-UNNAMED");
                }
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), MultiProcessDriver.class.getName(),
                        "worker", dir.toString(), Integer.toString(p), kind.name, Double.toString(warmupSeconds),
                        Double.toString(seconds)));
                workers.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            List<BufferedReader> outputs = new ArrayList<>();
            for (Process worker : workers) {
                BufferedReader output = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                        StandardCharsets.US_ASCII));
                outputs.add(output);
                expect(output, "ready", worker);
            }
            for (Process worker : workers) { // all loaded and warm-able: start them together
                OutputStream in = worker.getOutputStream();
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            Histogram gets = new Histogram(HIGHEST_NANOS, 3);
            Histogram sets = new Histogram(HIGHEST_NANOS, 3);
            long operations = 0;
            double measuredSeconds = 0;
            for (int p = 0; p < processes; p++) {
                String[] result = expect(outputs.get(p), "result", workers.get(p)).split(" ");
                operations += Long.parseLong(result[1]);
                measuredSeconds = Math.max(measuredSeconds, Long.parseLong(result[2]) / 1e9);
                gets.add(decode(result[3]));
                sets.add(decode(result[4]));
                if (workers.get(p).waitFor() != 0) {
                    throw new IllegalStateException("worker " + p + " exited with " + workers.get(p).exitValue());
                }
            }
            String line = String.format(Locale.ROOT, "{\"impl\":\"%s\",\"jdk\":\"%s\",\"processes\":%d,"
                    + "\"mode\":\"%s\",\"workload\":\"%s\",\"valueBytes\":%d,\"operations\":%d,\"seconds\":%.3f,"
                    + "\"opsPerSec\":%.1f,\"get\":%s,\"set\":%s}", kind.perlFormat ? "fastmmap-perl" : "fastmmap",
                    Runtime.version().feature(), processes, kind.name,
                    WorkloadFiles.read(dir).label(), value.length, operations, measuredSeconds, operations / measuredSeconds,
                    percentiles(gets), percentiles(sets));
            System.out.println(line);
            Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static String expect(BufferedReader output, String word, Process worker) throws IOException {
        String line = output.readLine();
        if (line == null || !line.startsWith(word)) {
            throw new IllegalStateException("worker " + worker.pid() + " said " + line + " instead of " + word);
        }
        return line;
    }

    private static String percentiles(Histogram histogram) {
        return String.format(Locale.ROOT, "{\"count\":%d,\"p50\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d}",
                histogram.getTotalCount(), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
    }

    private static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private static Histogram decode(String base64) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }

    /** One worker process: open the file, load the stream, say ready, wait for go, run, print the result. */
    static void worker(Path dir, int stream, Kind kind, double warmupSeconds, double seconds)
            throws IOException {
        PeerWorkload workload = sized(dir, kind.mode);
        byte[][] keys = workload.keys();
        byte[] raw = storedValue(dir, kind);
        Codec<Map<String, Object>> codec = kind.codec;
        Map<String, Object> session = codec == null ? null : codec.decode(raw);
        int[] ops = workload.operations(WorkloadFiles.STREAM_LENGTH, stream);
        Histogram gets = new Histogram(HIGHEST_NANOS, 3);
        Histogram sets = new Histogram(HIGHEST_NANOS, 3);
        try (Store cache = Store.open(workload, dir, kind, false)) {
            System.out.println("ready");
            System.out.flush();
            String go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            if (!"go".equals(go)) {
                throw new IllegalStateException("expected go, read " + go);
            }
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmupSeconds * 1e9);
            long end = measureFrom + (long) (seconds * 1e9);
            long measured = 0;
            int next = 0;
            long now = start;
            while (now < end) {
                int op = ops[next];
                next = next + 1 == ops.length ? 0 : next + 1;
                byte[] key = keys[op & PeerWorkload.KEY_INDEX];
                boolean set = (op & PeerWorkload.SET) != 0;
                if (set) {
                    cache.set(key, session == null ? raw : codec.encode(session));
                } else {
                    byte[] value = cache.get(key);
                    if (value == null) { // cache-aside, as in the JMH benchmark
                        cache.set(key, raw);
                    } else if (session != null && codec.decode(value).size() != session.size()) {
                        throw new IllegalStateException("a session read back with different attributes");
                    }
                }
                long after = System.nanoTime();
                if (now >= measureFrom) {
                    (set ? sets : gets).recordValue(Math.min(after - now, HIGHEST_NANOS));
                    measured++;
                }
                now = after;
            }
            System.out.println("result " + measured + " " + (end - measureFrom) + " " + encode(gets) + " "
                    + encode(sets));
        }
    }
}
