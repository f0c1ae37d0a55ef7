package io.fastmmap.codecs;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Issue 23's question, "one JSON path, measured": decoding W2's ~1 KiB session map (the JSON that
 * {@code SessionMap} of the peers' benchmarks writes, here as a fixed document so that this class needs only the
 * codecs) into the untyped {@code Map<String, Object>} tree, three ways (a fourth, fastmmap-codecs' own hand-written
 * reader, lost and was deleted: docs/benchmarks.md, "One JSON path, measured"):
 * <ul>
 *   <li>{@code jacksonStreaming}, what {@code JsonCodec} does: jackson-core's streaming parser with
 *       {@link StreamReadFeature#USE_FAST_DOUBLE_PARSER}, the tree built by {@link JsonStreamTreeReader};
 *   <li>{@code jacksonJr}: jackson-jr's {@code JSON.mapFrom} on a factory with the same feature, LinkedHashMaps;
 *   <li>{@code jacksonDatabind}: a default {@code ObjectMapper}'s reader for the map type (the reference).
 * </ul>
 * {@code run-benchmarks.sh jsondecode} runs it on JDK 17 and 25 in alternating rounds; docs/benchmarks.md has how and
 * what it found. {@link #setUp} refuses to run unless all read the same tree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class JsonDecodeBenchmark {
    /** W2's session map as Jackson writes it: 1,101 bytes. */
    static final String SESSION_JSON = "{\"userId\":482913,\"userName\":\"alice.martin\","
            + "\"email\":\"alice.martin@example.org\",\"roles\":[\"user\",\"editor\",\"billing\"],\"locale\":\"en_GB\","
            + "\"csrfToken\":\"q8Zt3vN0xkR2mWc9LbY7sJ4hFdP1aGe6UoTn5iKr-Xw\",\"authenticated\":true,"
            + "\"createdAtMillis\":1764500000000,\"lastAccessAtMillis\":1764503600000,"
            + "\"preferences\":{\"theme\":\"dark\",\"pageSize\":50,\"timezone\":\"Europe/London\",\"newsletter\":false},"
            + "\"cart\":[" + cart() + "]}";

    private byte[] json;
    private JsonStreamTreeReader streaming;
    private JSON jr;
    private com.fasterxml.jackson.databind.ObjectReader databind;

    private static String cart() {
        StringBuilder lines = new StringBuilder();
        for (int item = 0; item < 9; item++) {
            lines.append(item == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(10_001 + item * 37)
                    .append("\",\"name\":\"Item number ").append(item).append(" of the cart\",\"quantity\":")
                    .append(1 + item % 3).append(",\"unitPrice\":").append(4.99 + item * 2.5).append('}');
        }
        return lines.toString();
    }

    @Setup
    public void setUp() throws IOException {
        json = SESSION_JSON.getBytes(StandardCharsets.UTF_8);
        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.JavaType type = mapper.constructType(
                new TypeReference<Map<String, Object>>() { });
        ObjectMapper own = JsonStreamTreeReader.ownMapper();
        streaming = JsonStreamTreeReader.forOwnMapper(own, type);
        // Without deferred maps: its own lazy map class is not the LinkedHashMap the codec promises.
        jr = JSON.builder(own.getFactory()).disable(JSON.Feature.USE_DEFERRED_MAPS).build();
        databind = mapper.readerFor(type);
        Object expected = databind.readValue(json);
        for (Object tree : new Object[] {jacksonStreaming(), jacksonJr()}) {
            if (!typed(expected).equals(typed(tree))) {
                throw new IllegalStateException("not the tree databind reads: " + typed(tree) + "\ndatabind: "
                        + typed(expected));
            }
        }
    }

    /** The tree with the class of every node, so that an Integer read as a Long counts as a difference. */
    private static String typed(Object node) {
        if (node instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder(node.getClass().getSimpleName()).append('{');
            map.forEach((key, value) -> out.append(key).append('=').append(typed(value)).append(','));
            return out.append('}').toString();
        }
        if (node instanceof java.util.List<?> list) {
            StringBuilder out = new StringBuilder(node.getClass().getSimpleName()).append('[');
            list.forEach(value -> out.append(typed(value)).append(','));
            return out.append(']').toString();
        }
        return node == null ? "null" : node.getClass().getSimpleName() + ':' + node;
    }

    @Benchmark
    public Object jacksonStreaming() throws IOException {
        return streaming.read(json);
    }

    @Benchmark
    public Object jacksonJr() throws IOException {
        return jr.mapFrom(json);
    }

    @Benchmark
    public Object jacksonDatabind() throws IOException {
        return databind.readValue(json);
    }
}
