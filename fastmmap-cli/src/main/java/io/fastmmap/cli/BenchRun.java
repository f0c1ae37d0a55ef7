package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/** One process's share of a benchmark: its threads, timing every operation after the warm-up. */
final class BenchRun {
    /** Latencies up to a minute, to 3 significant digits. */
    static final long HIGHEST_NANOS = 60_000_000_000L;
    private static final int PROGRESS_BATCH = 256;

    private final FastMmap cache;
    private final BenchOptions options;
    private final long seed;

    BenchRun(FastMmap cache, BenchOptions options, long seed) {
        this.cache = cache;
        this.options = options;
        this.seed = seed;
    }

    record Result(Histogram reads, Histogram writes) {
        static Result empty() {
            return new Result(new Histogram(HIGHEST_NANOS, 3), new Histogram(HIGHEST_NANOS, 3));
        }

        void add(Result other) {
            reads.add(other.reads);
            writes.add(other.writes);
        }
    }

    static void fill(FastMmap cache, BenchOptions options) {
        byte[] value = new byte[(int) options.valueByteCount];
        new SplittableRandom(1).nextBytes(value);
        for (int i = 0; i < options.keyCount; i++) {
            cache.set(BenchOptions.key(i), value);
        }
    }

    /** @param measured counts the measured operations as they happen, for a progress display */
    Result run(LongAdder measured) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + options.warmup.toNanos();
        long end = measureFrom + options.duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < options.threadCount; t++) {
            Result result = Result.empty();
            results.add(result);
            SplittableRandom random = new SplittableRandom(seed * 1_000_003 + t);
            Thread thread = new Thread(() -> loop(random, result, measureFrom, end, measured), "bench-" + t);
            thread.setUncaughtExceptionHandler((th, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            RuntimeException failure = new IllegalStateException("a benchmark thread failed: " + failures.get(0),
                    failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
        Result total = Result.empty();
        results.forEach(total::add);
        return total;
    }

    private void loop(SplittableRandom random, Result result, long measureFrom, long end, LongAdder measured) {
        byte[] value = new byte[(int) options.valueByteCount];
        random.nextBytes(value);
        byte[][] keys = new byte[options.keyCount][];
        int pending = 0;
        for (long now = System.nanoTime(); now < end; ) {
            int index = random.nextInt(options.keyCount);
            byte[] key = keys[index] == null ? keys[index] = BenchOptions.key(index) : keys[index];
            boolean read = random.nextInt(100) < options.readPercent;
            long before = System.nanoTime();
            if (read) {
                cache.get(key);
            } else {
                cache.set(key, value);
            }
            now = System.nanoTime();
            if (before >= measureFrom) {
                (read ? result.reads() : result.writes()).recordValue(Math.min(now - before, HIGHEST_NANOS));
                if (++pending == PROGRESS_BATCH) {
                    measured.add(pending);
                    pending = 0;
                }
            }
        }
        measured.add(pending);
    }
}
