package io.fastmmap.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fastmmap.benchmarks.CpuTimeRatios;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
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
 * Issue 23's "one JSON path" for fastmmap-session: {@code ScalarJson} (the hand-written JSON of a session's
 * counters, flags, ids and short ASCII strings) against what would replace it, jackson-core's streaming generator and
 * parser on the session's own {@code JsonFactory} (as fastmmap-codecs' {@code JsonCodec} uses jackson-core), and
 * against databind's reader and writer (what {@code DefaultAttributeSerializer} uses for every other value). Each
 * call writes, or reads, the seven scalar attributes of {@link #VALUES} with their tag byte, as the serializer
 * stores them. {@link #setUp} refuses to run unless all three write the same bytes and read the same values with the
 * same classes.
 *
 * <pre>
 *   java -jar benchmarks.jar 'io.fastmmap.session.ScalarJsonBenchmark'          # JMH, wall clock
 *   java -cp benchmarks.jar io.fastmmap.session.ScalarJsonBenchmark [rounds [calls per batch]]   # thread CPU
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ScalarJsonBenchmark {
    private static final byte JSON = 'J';
    private static final byte JSON_LONG = 'L';
    /** A visit counter, a user id, a timestamp, a flag, a user name, a CSRF token, a locale. */
    static final List<Object> VALUES = List.of(17, 482913, 1_764_503_600_000L, Boolean.TRUE, "alice.martin",
            "q8Zt3vN0xkR2mWc9LbY7sJ4hFdP1aGe6UoTn5iKr-Xw", "en_GB");

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonFactory factory = mapper.getFactory();
    private final ObjectWriter writer = mapper.writer();
    private final ObjectReader anyReader = mapper.readerFor(Object.class);
    private final ObjectReader longReader = mapper.readerFor(Long.class);
    private Object[] values;
    private byte[][] stored;

    @Setup
    public void setUp() throws IOException {
        values = VALUES.toArray();
        stored = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            stored[i] = ScalarJson.write(tag(values[i]), values[i]);
            byte[] streaming = streamingWrite(values[i]);
            byte[] databind = databindWrite(values[i]);
            if (!Arrays.equals(stored[i], streaming) || !Arrays.equals(stored[i], databind)) {
                throw new IllegalStateException("different bytes for " + values[i]);
            }
            for (Object read : new Object[] {scalarRead(stored[i]), streamingRead(stored[i]),
                    databindRead(stored[i])}) {
                if (!values[i].equals(read) || values[i].getClass() != read.getClass()) {
                    throw new IllegalStateException(read + " read back instead of " + values[i]);
                }
            }
        }
    }

    private static byte tag(Object value) {
        return value instanceof Long ? JSON_LONG : JSON;
    }

    @Benchmark
    public Object writeScalarJson() {
        Object last = null;
        for (Object value : values) {
            last = ScalarJson.write(tag(value), value);
        }
        return last;
    }

    @Benchmark
    public Object writeStreaming() throws IOException {
        Object last = null;
        for (Object value : values) {
            last = streamingWrite(value);
        }
        return last;
    }

    @Benchmark
    public Object writeDatabind() throws IOException {
        Object last = null;
        for (Object value : values) {
            last = databindWrite(value);
        }
        return last;
    }

    @Benchmark
    public Object readScalarJson() {
        Object last = null;
        for (byte[] bytes : stored) {
            last = scalarRead(bytes);
        }
        return last;
    }

    @Benchmark
    public Object readStreaming() throws IOException {
        Object last = null;
        for (byte[] bytes : stored) {
            last = streamingRead(bytes);
        }
        return last;
    }

    @Benchmark
    public Object readDatabind() throws IOException {
        Object last = null;
        for (byte[] bytes : stored) {
            last = databindRead(bytes);
        }
        return last;
    }

    private static Object scalarRead(byte[] bytes) {
        return bytes[0] == JSON_LONG ? ScalarJson.readLong(bytes) : ScalarJson.readAny(bytes);
    }

    /** What a jackson-core replacement of ScalarJson.write would do: the tag, then the generator's JSON. */
    private byte[] streamingWrite(Object value) throws IOException {
        try (ByteArrayBuilder out = new ByteArrayBuilder(64)) {
            out.write(tag(value));
            try (JsonGenerator generator = factory.createGenerator(out)) {
                if (value instanceof Integer i) {
                    generator.writeNumber(i);
                } else if (value instanceof Long l) {
                    generator.writeNumber(l);
                } else if (value instanceof Boolean b) {
                    generator.writeBoolean(b);
                } else {
                    generator.writeString((String) value);
                }
            }
            return out.toByteArray();
        }
    }

    /** What a jackson-core replacement of ScalarJson.readAny/readLong would do: one token, nothing after it. */
    private Object streamingRead(byte[] bytes) throws IOException {
        try (JsonParser parser = factory.createParser(bytes, 1, bytes.length - 1)) {
            JsonToken token = parser.nextToken();
            Object value;
            if (token == JsonToken.VALUE_NUMBER_INT) {
                value = bytes[0] == JSON_LONG ? (Object) parser.getLongValue() : parser.getNumberValue();
            } else if (token == JsonToken.VALUE_STRING) {
                value = parser.getText();
            } else if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                value = token == JsonToken.VALUE_TRUE;
            } else {
                return null;
            }
            return parser.nextToken() == null ? value : null;
        }
    }

    private byte[] databindWrite(Object value) throws IOException {
        byte[] body = writer.writeValueAsBytes(value);
        byte[] out = new byte[body.length + 1];
        out[0] = tag(value);
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    private Object databindRead(byte[] bytes) throws IOException {
        return (bytes[0] == JSON_LONG ? longReader : anyReader).readValue(bytes, 1, bytes.length - 1);
    }

    /** Thread CPU time instead of JMH's wall clock, for a loaded machine ({@link CpuTimeRatios}). */
    public static void main(String[] args) throws Exception {
        ScalarJsonBenchmark state = new ScalarJsonBenchmark();
        state.setUp();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        CpuTimeRatios.print(rounds, batch, new String[] {"writeScalarJson", "writeStreaming", "writeDatabind"},
                new Callable<?>[] {state::writeScalarJson, state::writeStreaming, state::writeDatabind});
        CpuTimeRatios.print(rounds, batch, new String[] {"readScalarJson", "readStreaming", "readDatabind"},
                new Callable<?>[] {state::readScalarJson, state::readStreaming, state::readDatabind});
    }
}
