package io.fastmmap.benchmarks;

import io.fastmmap.FastMmap;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One thread, one process, a warm cache of {@link Workload#KEY_COUNT} keys; each call uses the next key.
 *
 * <ul>
 *   <li>{@link #get}: a hit, returning a copy of the value.</li>
 *   <li>{@link #set}: overwrites a key with a value of the same size (appends; pages compact now and then, and
 *       that cost is spread over the calls, as in real use).</li>
 *   <li>{@link #getAndSet}: increment-like: the update copies the value and changes one byte.</li>
 *   <li>{@link #floor}: what no mapped cache can beat: hash the key (XXH64, as the engine), pick a value's place
 *       in a plain mapping of the same working set, copy it into a new array. No lock, no lookup, no CRC.</li>
 * </ul>
 *
 * AverageTime gives ns/op; SampleTime gives the distribution (p50, p99). Run with {@code -prof gc} for bytes
 * allocated per call ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CacheBenchmark {
    private static final UnaryOperator<byte[]> INCREMENT = current -> {
        byte[] next = current.clone();
        next[0]++;
        return next;
    };

    @Param({"100", "1024", "16384"})
    public int valueSize;

    private byte[][] keys;
    private int next;
    private java.nio.file.Path dir;
    private FastMmap cache;
    private byte[] value;
    private MappedRegion region;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        keys = Workload.keys(Workload.KEY_COUNT, 7);
        value = Workload.value(valueSize, 11);
        dir = Workload.tempDir();
        if (params.getBenchmark().endsWith(".floor")) {
            region = MappedRegion.create(dir.resolve("floor.bin"), (long) Workload.KEY_COUNT * valueSize);
            for (int i = 0; i < Workload.KEY_COUNT; i++) {
                region.write((long) i * valueSize, value);
            }
            for (byte[] key : keys) { // warm the mapping, as the cache is warmed
                floorRead(key);
            }
            System.err.println("# floor region: " + MappedRegion.kind() + ", " + dir);
        } else {
            cache = Workload.openFilled(dir, keys, valueSize);
            System.err.println("# fastmmap-core memory: " + Workload.memoryBackend() + ", " + cache);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (cache != null) {
            cache.close();
        }
        if (region != null) {
            region.close();
        }
        Workload.deleteTree(dir);
    }

    private byte[] nextKey() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return keys[i];
    }

    @Benchmark
    public byte[] get() {
        return cache.get(nextKey());
    }

    @Benchmark
    public void set() {
        cache.set(nextKey(), value);
    }

    @Benchmark
    public byte[] getAndSet() {
        return cache.getAndSet(nextKey(), INCREMENT);
    }

    @Benchmark
    public byte[] floor() {
        return floorRead(nextKey());
    }

    private byte[] floorRead(byte[] key) {
        return region.read((long) Workload.floorSlot(key, Workload.KEY_COUNT) * valueSize, valueSize);
    }
}
