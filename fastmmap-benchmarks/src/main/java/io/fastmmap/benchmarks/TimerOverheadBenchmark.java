package io.fastmmap.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What SampleTime adds to every sample it times (two System.nanoTime() calls and their bookkeeping): the p50 of
 * an operation that does nothing but pick the next key. Subtract it from CacheBenchmark's p50 and p99 for the
 * cost of the call alone; AverageTime has no such overhead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimerOverheadBenchmark {
    private final byte[][] keys = Workload.keys(Workload.KEY_COUNT, 7);
    private int next;

    @Benchmark
    public byte[] nextKey() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return keys[i];
    }
}
