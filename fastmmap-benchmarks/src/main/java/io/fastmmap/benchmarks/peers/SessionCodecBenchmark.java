package io.fastmmap.benchmarks.peers;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the codec costs on each session operation of workload W2: encoding and decoding the ~1 KiB
 * {@link SessionMap} with Jackson 2's ObjectMapper as such (what W2 used first), with fastmmap-codecs'
 * {@code JsonCodec} (W2's {@code session-json}) and with fastmmap's {@code Codec.plainDataMap()} (W2's
 * {@code session}). Run with {@code -prof gc} for the bytes allocated:
 *
 * <pre>
 *   java -jar fastmmap-benchmarks/target/benchmarks.jar SessionCodecBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SessionCodecBenchmark {
    private Map<String, Object> session;
    private byte[] json;
    private byte[] plainData;

    @Setup
    public void setUp() {
        session = SessionMap.create();
        json = SessionMap.toJson(session);
        plainData = SessionMap.encode(session);
        if (!SessionMap.decode(plainData).equals(SessionMap.fromJson(json))) {
            throw new IllegalStateException("the two codecs do not read back the same session");
        }
    }

    @Benchmark
    public byte[] jacksonEncode() {
        return SessionMap.toJson(session);
    }

    @Benchmark
    public Map<String, Object> jacksonDecode() {
        return SessionMap.fromJson(json);
    }

    @Benchmark
    public byte[] jsonCodecEncode() {
        return SessionMap.JSON_CODEC.encode(session);
    }

    @Benchmark
    public Map<String, Object> jsonCodecDecode() {
        return SessionMap.JSON_CODEC.decode(json);
    }

    @Benchmark
    public byte[] plainDataEncode() {
        return SessionMap.encode(session);
    }

    @Benchmark
    public Map<String, Object> plainDataDecode() {
        return SessionMap.decode(plainData);
    }
}
