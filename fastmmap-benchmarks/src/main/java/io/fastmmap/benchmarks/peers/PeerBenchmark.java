package io.fastmmap.benchmarks.peers;

import io.fastmmap.benchmarks.Workload;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * fastmmap beside its peers (Chronicle Map, Redis, Caffeine, the mapped-copy floor) on one {@link PeerWorkload}.
 *
 * <ul>
 *   <li>{@link #op}: one operation of the thread's stream (a get, cache-aside on a miss, or a set);</li>
 *   <li>{@link #batch16}: 16 operations per call; Redis sends them in one pipeline (one round trip), the others run
 *       them one by one, so only Redis's row differs from {@link #op}. Scores are per operation.</li>
 * </ul>
 *
 * Parameters (JMH's {@code -p name=v1,v2}): {@code store} fastmmap, chronicle, redis, caffeine, floor;
 * {@code valueSize} bytes; {@code keyCount}; {@code mix} get100, get95, get90, get50, set100; {@code keys} uniform or
 * zipf; {@code sizing} fit or overcommit2x. Threads with JMH's {@code -t}. The defaults are the primary case (1 KiB,
 * 10,000 keys, 90/10, uniform, fit); run-all.sh runs the whole matrix.
 *
 * <p>Throughput gives ops/s (all threads); SampleTime gives p50/p99/p99.9 of one operation of the mix; {@code -prof
 * gc} gives bytes allocated per operation. Each thread has its own pre-generated stream of operations, so generating
 * random keys is never measured. The forks carry Chronicle Map's documented JVM flags (harmless to the others); on
 * JDK 24+ run-all.sh adds {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-Dchronicle.analytics.disable=true",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED"})
public class PeerBenchmark {
    /** Operations per thread stream: 4 MiB of ints, walked round and round. */
    private static final int STREAM_LENGTH = 1 << 20;
    private static final int BATCH = 16;

    @Param({"fastmmap"})
    public String store;

    @Param({"1024"})
    public int valueSize;

    @Param({"10000"})
    public int keyCount;

    @Param({"get90"})
    public String mix;

    @Param({"uniform"})
    public String keys;

    @Param({"fit"})
    public String sizing;

    private PeerWorkload workload;
    private Path dir;
    private PeerStore peer;

    @Setup(Level.Trial)
    public void setUp() {
        workload = PeerWorkload.of(keyCount, valueSize, mix, keys, sizing);
        dir = Workload.tempDir();
        peer = PeerStores.open(store, workload, dir);
        PeerStore.Space space = peer.space();
        System.err.printf("# %s %s: %d entries, %d live bytes, used %d, file %d (%s)%n", store, workload.label(),
                space.entryCount(), space.liveBytes(), space.usedBytes(), space.fileBytes(), space.how());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        peer.close();
        Workload.deleteTree(dir);
    }

    /** One benchmark thread: its client (its own Redis connection) and its own stream of operations. */
    @State(Scope.Thread)
    public static class Worker {
        PeerStore.Client client;
        int[] ops;
        int next;

        @Setup(Level.Trial)
        public void setUp(PeerBenchmark benchmark, ThreadParams thread) {
            client = benchmark.peer.client();
            ops = benchmark.workload.operations(STREAM_LENGTH, thread.getThreadIndex());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.close();
        }

        int nextIndex(int count) {
            int at = next;
            next = at + count >= ops.length ? 0 : at + count;
            return at;
        }
    }

    /**
     * {@code --jvm-flags}: prints the forks' JVM flags ({@link Fork#jvmArgsAppend}, Chronicle Map's), one per line, so
     * run-all.sh starts its other JVMs (Footprint) with the same list instead of a copy of it.
     */
    public static void main(String[] args) {
        if (args.length != 1 || !args[0].equals("--jvm-flags")) {
            throw new IllegalArgumentException("usage: PeerBenchmark --jvm-flags (run the benchmark through JMH)");
        }
        for (String flag : PeerBenchmark.class.getAnnotation(Fork.class).jvmArgsAppend()) {
            System.out.println(flag);
        }
    }

    @Benchmark
    public int op(Worker worker) {
        return worker.client.run(worker.ops[worker.nextIndex(1)]);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int batch16(Worker worker) {
        return worker.client.runBatch(worker.ops, worker.nextIndex(BATCH), BATCH);
    }
}
