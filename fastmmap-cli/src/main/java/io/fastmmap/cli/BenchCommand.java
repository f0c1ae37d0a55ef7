package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs a workload against a file and reports ops/s and latency percentiles. With several processes the parent
 * starts workers (this same program, {@code bench-worker}) that share the file, and merges their histograms.
 */
@Command(name = "bench", description = "Measure ops/s and p50/p99/p99.9 latency of a get/set workload on FILE "
        + "(created when absent), in one or several processes.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Mixin
    BenchOptions options;

    @Option(names = "--processes", paramLabel = "N", defaultValue = "1",
            description = "processes sharing the file (default: ${DEFAULT-VALUE})")
    int processCount;

    @Option(names = "--cache-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "size of a file created for the run (default: about 2.5 times the keys' data)")
    Long cacheSizeBytes;

    @Option(names = "--progress", description = "draw the progress bar even when standard error is not a terminal")
    boolean forceProgress;

    @Option(names = "--use-existing", description = "benchmark an existing file although bench writes its keys into "
            + "it, which may evict entries others rely on")
    boolean useExisting;

    @Override
    public Integer call() throws Exception {
        options.check();
        if (processCount < 1 || processCount > 64) {
            throw new IllegalArgumentException("--processes " + processCount + " must be from 1 to 64");
        }
        try (FastMmap cache = openOrCreate()) {
            BenchRun.fill(cache, options);
            LongAdder measured = new LongAdder();
            BenchRun.Result result;
            try (ProgressBar bar = ProgressBar.startIf(forceProgress || System.console() != null, measured,
                    options.warmup, options.duration)) {
                result = processCount == 1 ? new BenchRun(cache, options, 0).run(measured) : runWorkers(measured);
            }
            report(result);
        }
        return 0;
    }

    private FastMmap openOrCreate() {
        if (Files.exists(cacheFile.file)) {
            if (!useExisting) {
                throw new IllegalArgumentException(cacheFile.file + " exists: bench would write " + options.keyCount
                        + " keys into it and could evict entries others rely on; give a new path, or pass "
                        + "--use-existing to benchmark this file anyway");
            }
            if (cacheSizeBytes != null) {
                throw new IllegalArgumentException(cacheFile.file + " exists, so --cache-size does not apply; delete "
                        + "the file or leave the option out");
            }
            return cacheFile.open();
        }
        long entryBytes = options.valueByteCount + 64;
        long size = cacheSizeBytes != null ? cacheSizeBytes : Math.max(1 << 20, options.keyCount * entryBytes * 5 / 2);
        int pageSize = entryBytes * 4 > (64 << 10) ? (int) Math.min(256 << 20, Long.highestOneBit(entryBytes * 8))
                : 64 << 10;
        return FastMmap.builder(cacheFile.file).cacheSize(size).pageSize(Math.max(4096, pageSize))
                .lockTimeout(cacheFile.lockTimeout).build();
    }

    private BenchRun.Result runWorkers(LongAdder measured) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> processes = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        BenchRun.Result total = BenchRun.Result.empty();
        List<String> failures = new ArrayList<>();
        for (int p = 0; p < processCount; p++) {
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "bench-worker", cacheFile.file.toString(),
                    "--lock-timeout=" + cacheFile.lockTimeout.toMillis() + "ms", "--seed=" + (p + 1)));
            command.addAll(options.asArguments());
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(process);
            Thread reader = new Thread(() -> readWorker(process, measured, total, failures), "bench-worker-" + p);
            reader.start();
            readers.add(reader);
        }
        for (int p = 0; p < processCount; p++) {
            readers.get(p).join();
            int exit = processes.get(p).waitFor();
            if (exit != 0) {
                failures.add("worker process " + (p + 1) + " exited with status " + exit + " (its error is above)");
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(String.join("; ", failures));
        }
        return total;
    }

    private static void readWorker(Process process, LongAdder measured, BenchRun.Result total, List<String> failures) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = out.readLine()) != null; ) {
                String[] fields = line.split(" ");
                if (fields[0].equals(Worker.PROGRESS)) {
                    measured.add(Long.parseLong(fields[1]));
                } else if (fields[0].equals(Worker.RESULT)) {
                    BenchRun.Result result = new BenchRun.Result(decode(fields[1]), decode(fields[2]));
                    synchronized (total) {
                        total.add(result);
                    }
                }
            }
        } catch (IOException | DataFormatException | RuntimeException e) {
            synchronized (failures) {
                failures.add("cannot read a worker's results: " + e);
            }
        }
    }

    private void report(BenchRun.Result result) {
        long reads = result.reads().getTotalCount();
        long writes = result.writes().getTotalCount();
        double seconds = options.duration.toNanos() / 1e9;
        System.out.printf("bench: %d process(es) x %d thread(s), %d keys, %d-byte values, %d%% reads, %s measured "
                + "after %s warm-up%n", processCount, options.threadCount, options.keyCount, options.valueByteCount,
                options.readPercent, Units.duration(options.duration), Units.duration(options.warmup));
        System.out.println("throughput: " + Units.rate((reads + writes) / seconds) + " ops/s ("
                + (reads + writes) + " operations)");
        line("get", result.reads());
        line("set", result.writes());
    }

    private static void line(String name, Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            System.out.println(name + ": none");
            return;
        }
        System.out.println(name + ": p50 " + Units.micros(histogram.getValueAtPercentile(50))
                + "  p99 " + Units.micros(histogram.getValueAtPercentile(99))
                + "  p99.9 " + Units.micros(histogram.getValueAtPercentile(99.9))
                + "  max " + Units.micros(histogram.getMaxValue()) + "  (" + histogram.getTotalCount() + ")");
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String text) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
    }

    /** A worker process of a multi-process bench: reports progress and its histograms on standard output. */
    @Command(name = "bench-worker", hidden = true)
    static final class Worker implements Callable<Integer> {
        static final String PROGRESS = "progress";
        static final String RESULT = "result";

        @Mixin
        CacheFileOption cacheFile;

        @Mixin
        BenchOptions options;

        @Option(names = "--seed", required = true)
        long seed;

        @Override
        public Integer call() throws Exception {
            options.check();
            LongAdder measured = new LongAdder();
            BenchRun.Result result;
            try (FastMmap cache = cacheFile.open()) {
                Thread reporter = new Thread(() -> {
                    try {
                        while (true) {
                            Thread.sleep(200);
                            System.out.println(PROGRESS + " " + measured.sumThenReset());
                        }
                    } catch (InterruptedException stop) {
                        Thread.currentThread().interrupt();
                    }
                }, "progress");
                reporter.setDaemon(true);
                reporter.start();
                result = new BenchRun(cache, options, seed).run(measured);
                reporter.interrupt();
                reporter.join();
            }
            System.out.println(PROGRESS + " " + measured.sumThenReset());
            System.out.println(RESULT + " " + encode(result.reads()) + " " + encode(result.writes()));
            return 0;
        }
    }
}
