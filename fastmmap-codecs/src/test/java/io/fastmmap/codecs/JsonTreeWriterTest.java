package io.fastmmap.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fastmmap.CodecException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * JsonCodec's own JSON writer ({@link JsonTreeWriter}) against Jackson's default mapper: wherever it writes, the
 * mapper's very bytes; wherever the mapper fails, nothing (the codec then reports the mapper's error); and bytes of
 * its own for the plain trees it exists for.
 */
class JsonTreeWriterTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void shouldWritePlainTreesAsJacksonsBytes() {
        Map<String, Object> special = new LinkedHashMap<>();
        special.put("doubles", List.of(0.0, -0.0, 1.5, -2.25, 0.1, 1e-7, 1e7, 1e21, 1e22, 1e23, 123456789.125,
                Double.MIN_VALUE, Double.MAX_VALUE, 4.99 + 7 * 2.5));
        special.put("integers", List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE));
        special.put("controls", "\u0000\u0001\u001f\u007f\b\t\n\f\r\"\\/ <>&'");
        special.put("utf8", "é中\u0800\u07ff\u0080\uffff\u2028");
        special.put("", Collections.emptyMap());
        special.put("empty", List.of());
        special.put("nulls", Arrays.asList(null, null));
        special.put("flags", List.of(true, false));
        special.put("immutable", List.of(Map.of("k", 1), Collections.unmodifiableList(new ArrayList<>(List.of(2)))));
        special.put("sorted", new TreeMap<>(Map.of("b", 1, "a", 2)));
        special.put("hashed", new HashMap<>(Map.of("x", 1, "y", 2, "z", 3)));
        special.put("concurrent", new ConcurrentHashMap<>(Map.of("c", "d")));
        special.put("deep", nested(JsonTreeReader.MAX_DEPTH - 3));
        JsonTreeWriter writer = ownWriter();
        assertThat(assertWritesAsJackson(writer, special)).isTrue();
        assertThat(assertWritesAsJackson(writer, List.of(special, "x", 1))).isTrue();
        assertThat(assertWritesAsJackson(writer, new LinkedHashMap<>())).isTrue();
    }

    @Test
    void shouldLeaveEveryOtherValueToJackson() {
        List<Object> others = Arrays.asList(1.5f, new BigDecimal("1.50"), BigInteger.TEN, (short) 3, (byte) 4, 'c',
                Double.NaN, Double.POSITIVE_INFINITY, "\ud83d\ude00", "lone \ud800", "\udc00 low", "end \ud83d",
                new CodecsTest.Session("ann", List.of("a"), 1L), new int[] {1, 2}, Set.of("x"), Optional.of(1),
                Map.of(1, "integer key"), Collections.singletonMap(null, 1), new AnnotatedMap(),
                new java.util.Date(0L), nested(JsonTreeReader.MAX_DEPTH + 5));
        JsonTreeWriter writer = ownWriter();
        JsonCodec<Object> codec = JsonCodec.of(Object.class);
        for (Object other : others) {
            Map<String, Object> deep = new LinkedHashMap<>();
            deep.put("before", "plain");
            deep.put("list", new ArrayList<>(Arrays.asList(1, Map.of("other", other))));
            for (Object value : Arrays.asList(other, deep)) {
                assertThat(writer.write(value)).as(String.valueOf(value)).isNull();
                assertEncodesAsJackson(codec, value);
            }
        }
        assertThat(writer.write("root string")).isNull();
        assertThat(writer.write(7)).isNull();
    }

    @Test
    void shouldWriteRandomTreesAsJacksonsBytes() {
        JsonTreeWriter writer = ownWriter();
        JsonCodec<Object> codec = JsonCodec.of(Object.class);
        Random random = new Random(7);
        int written = 0;
        for (int i = 0; i < 3000; i++) {
            Object tree = RandomJson.tree(random, 0);
            if (assertWritesAsJackson(writer, tree)) {
                written++;
            }
            assertEncodesAsJackson(codec, tree);
        }
        assertThat(written).as("random trees plain enough to be written directly").isGreaterThan(200);
    }

    /** A user's mapper writes as it is configured; the codec's own writer would not know how. */
    @Test
    void shouldWriteThroughAUsersMapper() {
        ObjectMapper sorted = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        JsonCodec<Map<String, Object>> codec = JsonCodec.of(sorted, new TypeReference<>() { });
        assertThat(codec.treeWriter).isNull();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", 2);
        assertThat(new String(codec.encode(map), StandardCharsets.UTF_8)).isEqualTo("{\"a\":2,\"b\":1}");
        assertThat(JsonCodec.of(new TypeReference<Map<String, Object>>() { }).treeWriter).isNotNull();
        assertThat(JsonCodec.of(CodecsTest.Session.class).treeWriter).isNotNull(); // a Session itself: Jackson
    }

    // ---------------------------------------------------------------- helpers

    private static JsonTreeWriter ownWriter() {
        return JsonTreeWriter.forOwnMapper(new ObjectMapper());
    }

    /** @return whether the writer wrote the value (its bytes then Jackson's); where Jackson fails it must not */
    private static boolean assertWritesAsJackson(JsonTreeWriter writer, Object value) {
        byte[] written = writer.write(value);
        byte[] expected;
        try {
            expected = JACKSON.writeValueAsBytes(value);
        } catch (IOException jacksonFails) {
            assertThat(written).as(value + " fails in Jackson: " + jacksonFails.getMessage()).isNull();
            return false;
        }
        if (written == null) {
            return false;
        }
        assertThat(new String(written, StandardCharsets.UTF_8)).as(String.valueOf(value))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(written).isEqualTo(expected);
        return true;
    }

    private static void assertEncodesAsJackson(JsonCodec<Object> codec, Object value) {
        byte[] expected;
        try {
            expected = JACKSON.writeValueAsBytes(value);
        } catch (IOException e) {
            assertThatThrownBy(() -> codec.encode(value)).isInstanceOf(CodecException.class)
                    .hasMessageContaining(((JacksonException) e).getOriginalMessage());
            return;
        }
        assertThat(codec.encode(value)).as(String.valueOf(value)).isEqualTo(expected);
    }

    private static Object nested(int depth) {
        Object value = "bottom";
        for (int i = 0; i < depth; i++) {
            value = i % 2 == 0 ? List.of(value) : Map.of("n", value);
        }
        return value;
    }

    /** A map class of an application's own, which Jackson writes as its {@code @JsonValue} says. */
    static final class AnnotatedMap extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        AnnotatedMap() {
            put("hidden", 1);
        }

        @JsonValue
        String shown() {
            return "annotated";
        }
    }
}
