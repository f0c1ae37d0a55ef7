package io.fastmmap.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fastmmap.CodecException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * JsonCodec's tree built from Jackson's streaming parser ({@link JsonStreamTreeReader}) against Jackson's default
 * mapper, which it stands in for: wherever it answers, the same tree (classes at every node, map order, values);
 * wherever databind fails, an error with databind's message or no answer (the codec then reports databind's error);
 * and an answer of its own for the plain documents it exists for.
 */
class JsonStreamTreeReaderTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final JavaType OBJECT = JACKSON.constructType(Object.class);
    private static final JavaType MAP = JACKSON.constructType(new TypeReference<Map<String, Object>>() { });
    private static final JavaType LIST = JACKSON.constructType(new TypeReference<List<Object>>() { });

    /** Plain JSON that the reader must read itself, each the tree Jackson makes of it. */
    private static final List<String> PLAIN = List.of(
            "{}", "[]", " \t\r\n{ } \n", "{\"a\":{}}", "{\"a\":[]}", "[[],{},[[]],[{}]]", "[\"\"]", "{\"\":\"\"}",
            "{\"int\":2147483647,\"intPlus1\":2147483648,\"minInt\":-2147483648,\"minIntMinus1\":-2147483649,"
                    + "\"maxLong\":9223372036854775807,\"maxLongPlus1\":9223372036854775808,"
                    + "\"minLong\":-9223372036854775808,\"minLongMinus1\":-9223372036854775809,"
                    + "\"digits18\":999999999999999999,\"digits19\":1000000000000000000,"
                    + "\"big\":123456789012345678901234567890,\"zero\":0,\"negZero\":-0,\"negBig\":-1"
                    + "0".repeat(40) + "}",
            "[1.5,1e10,1E+2,2e-3,-0.0,0.0,-0e0,4.9e-324,2.4e-324,1e-400,1e400,-1e400,1e99999999999,"
                    + "3.141592653589793238462643383279,0.1,123456789.123456789e-5,1.0,100,0e0,0.5E-0]",
            "{\"esc\":\"\\u00e9\\u4E2D\\n\\t\\\"\\\\\\/\\b\\f\\r\",\"pair\":\"\\ud83d\\ude00\",\"raw\":\"é中😀\","
                    + "\"lone\":\"\\ud800x\",\"loneLow\":\"\\udc00\",\"\\u00e9key\":1,\"😀\":\"\\u0000\","
                    + "\"nonchar\":\"\uffff\\uffff\",\"separators\":\"\u2028\u2029\",\"del\":\"\u007f\"}",
            "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":null,\"a\":1,\"b\":true}", "{\"a\":[1],\"b\":0,\"a\":{\"x\":null}}",
            " \n\t{ \"a\" : [ 1 , 2 ,\r\n 3 ] , \"b\" : { } , \"c\":[ ] } \n", "[true,false,null,\"\",\"x\"]",
            "{\"exactly8\":1,\"exactly16_bytes!\":2,\"seventeen_bytes__\":3,\"a_name_longer_than_32_bytes_0123\":4}",
            "{\"k\":" + "[".repeat(98) + "]".repeat(98) + "}",
            "{\"long text\":\"" + "0123456789abcdef".repeat(100) + "\",\"mixed\":\""
                    + "abcdefg é ".repeat(50) + "\"}");

    /** JSON off the plain path: extensions, damage, limits, other roots, and what follows a root. */
    private static final List<String> UNUSUAL = List.of(
            "", "   ", "null", "42", "\"text\"", "true", "\ufeff{}", "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}",
            "[1] ]",
            "{", "[", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{'a':1}", "{a:1}", "01", "[01]", "[-01]", "[-]", "[1.]",
            "[.5]", "[1e]", "[1e+]", "[+1]", "[NaN]", "[Infinity]", "[-Infinity]", "{\"a\":tru}", "{\"a\":nul}",
            "[truex]", "[1x]", "[1.5.3]", "\"unterminated", "[\"unterminated", "[1 2]", "{\"a\" 1}",
            "{\"a\":1 \"b\":2}",
            "// c\n{}", "/* c */{}", "# c\n{}", "{\"a\":1/* c */}", "[\"\u0001\"]", "{\"a\":\"\u001f\"}",
            "{\"a\u0000\":1}", "[\"tab\there\"]", "{\"a\":1]", "[1}", "{\"a\":{\"b\":1}", "{\"a\":\"\\x\"}",
            "{\"a\":\"\\'\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "[\"\\", "[\"\\u00", "[\"a\\\"]",
            "[\"\ufffd\"]", "{\"\ufffd\":1}", "\f{}", "\u000b[]", "[" + "[".repeat(99) + "]".repeat(99) + "]",
            "[".repeat(1200) + "]".repeat(1200), "[1" + "0".repeat(999) + "]", "[1" + "0".repeat(1000) + "]",
            "[1." + "5".repeat(1200) + "]");

    private static final List<byte[]> BAD_UTF8 = List.of(
            new byte[] {'[', '"', (byte) 0xC3, '"', ']'}, new byte[] {'[', '"', (byte) 0xFF, '"', ']'},
            new byte[] {'[', '"', (byte) 0xC0, (byte) 0x80, '"', ']'},
            new byte[] {'[', '"', (byte) 0xE0, (byte) 0x80, (byte) 0x80, '"', ']'},
            new byte[] {'[', '"', (byte) 0xF0, (byte) 0x9F, '"', ']'},
            new byte[] {'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'},
            new byte[] {'[', '"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', ']'},
            new byte[] {'[', '"', (byte) 0x80, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '"', ']'},
            new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'},
            new byte[] {'{', '"', 'a', '"', ':', (byte) 0xE9, '}'},
            new byte[] {'[', '1', ']', (byte) 0xFF}, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', ']'},
            new byte[] {0, '[', 0, ']'}, new byte[] {'[', 0, ']', 0});

    @Test
    void shouldReadASessionMapItselfWithJacksonsTreeAndTheSameNameStrings() throws IOException {
        byte[] session = JACKSON.writeValueAsBytes(session());
        assertThat(session.length).isGreaterThan(1024);
        JsonStreamTreeReader reader = ownReader(MAP);
        Object first = reader.read(session);
        assertThat(first).as("read without databind").isNotSameAs(JsonStreamTreeReader.UNSURE);
        assertSameTree(JACKSON.readValue(session, MAP), first, "$");
        Map<?, ?> second = (Map<?, ?>) reader.read(session);
        assertSameTree(first, second, "$");
        List<?> firstNames = new ArrayList<>(((Map<?, ?>) first).keySet());
        List<?> secondNames = new ArrayList<>(second.keySet());
        for (int i = 0; i < firstNames.size(); i++) { // Jackson's name canonicalizer: no new String per read
            assertThat(secondNames.get(i)).as(firstNames.get(i).toString()).isSameAs(firstNames.get(i));
        }
        assertThat(JsonCodec.of(new TypeReference<Map<String, Object>>() { }).decode(session)).isEqualTo(first);
    }

    @Test
    void shouldReadPlainJsonItselfAsJacksonDoesForEveryUntypedType() throws IOException {
        for (String document : PLAIN) {
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            JavaType type = document.trim().startsWith("[") ? LIST : MAP;
            for (JavaType each : List.of(OBJECT, type)) {
                assertThat(assertAnswersAsJackson(ownReader(each), JACKSON, each, bytes)).as(document).isTrue();
            }
            JavaType other = type == LIST ? MAP : LIST;
            assertThat(ownReader(other).read(bytes)).as("the other root kind: " + document)
                    .isSameAs(JsonStreamTreeReader.UNSURE);
            assertDecodesAsJackson(codec(other), other, bytes); // Jackson's error
        }
    }

    @Test
    void shouldGiveJacksonsValueOrErrorForUnusualOrBrokenJson() {
        List<byte[]> documents = new ArrayList<>(BAD_UTF8);
        UNUSUAL.forEach(document -> documents.add(document.getBytes(StandardCharsets.UTF_8)));
        for (byte[] document : documents) {
            for (JavaType type : List.of(OBJECT, MAP, LIST)) {
                assertAnswersAsJackson(ownReader(type), JACKSON, type, document);
                assertDecodesAsJackson(codec(type), type, document);
            }
        }
    }

    @Test
    void shouldReportBrokenJsonInJacksonsWords() {
        JsonCodec<Map<String, Object>> codec = JsonCodec.of(new TypeReference<>() { });
        assertThatThrownBy(() -> codec.decode("{\"a\":tru}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("JsonCodec(java.util.Map<")
                .hasMessageContaining("the stored 9 bytes are not JSON of this type")
                .hasMessageContaining("Unrecognized token 'tru'");
        assertThatThrownBy(() -> codec.decode(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}))
                .isInstanceOf(CodecException.class).hasMessageContaining("Invalid UTF-8");
        assertThatThrownBy(() -> codec.decode("{\"a\":\"\u0001\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("Illegal unquoted character");
        assertThatThrownBy(() -> codec.decode(("{\"a\":" + "[".repeat(1500)).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> codec.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("not JSON of this type");
    }

    @Test
    void shouldMatchJacksonOnRandomDocumentsAndOnDamagedSessions() throws IOException {
        Random random = new Random(20261201);
        Map<JavaType, Integer> answered = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            byte[] document = RandomJson.text(random).getBytes(StandardCharsets.UTF_8);
            for (JavaType type : List.of(OBJECT, MAP, LIST)) {
                if (assertAnswersAsJackson(ownReader(type), JACKSON, type, document)) {
                    answered.merge(type, 1, Integer::sum);
                }
            }
        }
        // About 2 in 9 random roots are objects or arrays; most of those are plain enough to be read directly.
        assertThat(answered.get(OBJECT)).isGreaterThan(300);
        assertThat(answered.get(MAP)).isGreaterThan(100);
        assertThat(answered.get(LIST)).isGreaterThan(100);

        byte[] session = JACKSON.writeValueAsBytes(session());
        JsonStreamTreeReader reader = ownReader(MAP);
        for (int i = 0; i < 3000; i++) {
            byte[] damaged = damage(random, session);
            assertAnswersAsJackson(reader, JACKSON, MAP, damaged);
        }
    }

    /** Each limit of Jackson's StreamReadConstraints, lowered, with documents just below, at and above it. */
    @Test
    void shouldStayWithinJacksonsLimits() {
        StreamReadConstraints limits = StreamReadConstraints.builder().maxStringLength(16).maxNameLength(8)
                .maxNumberLength(6).maxNestingDepth(4).maxDocumentLength(120).build();
        ObjectMapper limited = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(limits).build()).build();
        JsonStreamTreeReader reader = JsonStreamTreeReader.forOwnMapper(limited, OBJECT);
        List<String> documents = new ArrayList<>();
        for (int length = 12; length <= 20; length++) {
            documents.add("[\"" + "s".repeat(length) + "\"]");
            documents.add("[\"" + "\\u00e9".repeat(length) + "\"]");
            documents.add("[\"" + "é".repeat(length) + "\"]");
            documents.add("{\"" + "n".repeat(length - 8) + "\":1}");
            documents.add("{\"" + "\\n".repeat(length - 8) + "\":1}");
            documents.add("[1" + "0".repeat(length - 12) + ",-1" + "0".repeat(length - 12) + "]");
            documents.add("[1." + "0".repeat(length - 12) + ",1e" + "0".repeat(length - 12) + "]");
            documents.add("[" + "[".repeat(length - 12) + "]".repeat(length - 12) + "]");
            documents.add("[" + "1,".repeat(length * 3 + 2) + "1]");
        }
        int answered = 0;
        for (String document : documents) {
            if (assertAnswersAsJackson(reader, limited, OBJECT, document.getBytes(StandardCharsets.UTF_8))) {
                answered++;
            }
        }
        assertThat(answered).as("documents well within the limits are read directly").isGreaterThan(20);
    }

    @Test
    void shouldReadItselfOnlyForUntypedDataWithTheCodecsOwnMapper() {
        List<Supplier<JsonCodec<?>>> own = List.of(() -> JsonCodec.of(Object.class), () -> JsonCodec.of(Map.class),
                () -> JsonCodec.of(List.class), () -> JsonCodec.of(LinkedHashMap.class),
                () -> JsonCodec.of(ArrayList.class), () -> JsonCodec.of(new TypeReference<Map<String, Object>>() { }),
                () -> JsonCodec.of(new TypeReference<Map<Object, Object>>() { }),
                () -> JsonCodec.of(new TypeReference<List<Object>>() { }));
        for (Supplier<JsonCodec<?>> codec : own) {
            assertThat(codec.get().treeReader).as(codec.get().toString()).isNotNull();
        }
        List<Supplier<JsonCodec<?>>> jacksonOnly = List.of(() -> JsonCodec.of(CodecsTest.Session.class),
                () -> JsonCodec.of(String.class), () -> JsonCodec.of(HashMap.class),
                () -> JsonCodec.of(new TypeReference<Map<String, String>>() { }),
                () -> JsonCodec.of(new TypeReference<Map<Integer, Object>>() { }),
                () -> JsonCodec.of(new TypeReference<List<String>>() { }),
                () -> JsonCodec.of(new ObjectMapper(), Object.class),
                () -> JsonCodec.of(new ObjectMapper(), new TypeReference<Map<String, Object>>() { }));
        for (Supplier<JsonCodec<?>> codec : jacksonOnly) {
            assertThat(codec.get().treeReader).as(codec.get().toString()).isNull();
        }
        // What a user's mapper is for: here it reads 2.50 as a BigDecimal, which the own reader never makes.
        ObjectMapper decimals = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        Map<String, Object> read = JsonCodec.of(decimals, new TypeReference<Map<String, Object>>() { })
                .decode("{\"price\":2.50}".getBytes(StandardCharsets.UTF_8));
        assertThat(read.get("price")).isEqualTo(new BigDecimal("2.50"));
    }

    // ---------------------------------------------------------------- helpers

    private static JsonStreamTreeReader ownReader(JavaType type) {
        return JsonStreamTreeReader.forOwnMapper(JsonStreamTreeReader.ownMapper(), type);
    }

    private static JsonCodec<Object> codec(JavaType type) {
        return JsonCodec.of(new TypeReference<Object>() {
            @Override
            public java.lang.reflect.Type getType() {
                return type; // Jackson takes a JavaType given as the Type as it is
            }
        });
    }

    /**
     * The reader's answer is databind's tree, or there is none; where databind fails the reader fails with the same
     * message, or gives no answer (and the codec then asks databind).
     *
     * @return whether the reader answered
     */
    private static boolean assertAnswersAsJackson(JsonStreamTreeReader reader, ObjectMapper mapper, JavaType type,
            byte[] document) {
        String what = type + " from " + Arrays.toString(document) + " = "
                + new String(document, StandardCharsets.UTF_8);
        Object answer;
        String failure = null;
        try {
            answer = reader.read(document);
        } catch (IOException e) {
            answer = null;
            failure = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        }
        Object expected;
        try {
            expected = mapper.readValue(document, type);
        } catch (IOException databindFails) {
            String message = databindFails instanceof JacksonException j ? j.getOriginalMessage()
                    : databindFails.getMessage();
            if (failure != null) {
                assertThat(failure).as(what).isEqualTo(message);
            } else {
                assertThat(answer).as(what + " fails in databind: " + message)
                        .isSameAs(JsonStreamTreeReader.UNSURE);
            }
            return false;
        }
        assertThat(failure).as(what + " is read by databind").isNull();
        if (answer == JsonStreamTreeReader.UNSURE) {
            return false;
        }
        assertSameTree(expected, answer, what + " at $");
        return true;
    }

    /** The codec's value is Jackson's, or its error carries Jackson's message. */
    private static void assertDecodesAsJackson(JsonCodec<Object> codec, JavaType type, byte[] document) {
        String what = codec + " reading " + new String(document, StandardCharsets.UTF_8);
        Object expected;
        try {
            expected = JACKSON.readValue(document, type);
        } catch (IOException e) {
            String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
            assertThatThrownBy(() -> codec.decode(document)).as(what).isInstanceOf(CodecException.class)
                    .hasMessageContaining(message);
            return;
        }
        assertSameTree(expected, codec.decode(document), what + " at $");
    }

    /** Equal classes at every node, map keys in the same order, equal leaves ({@code Double.equals}: -0.0, NaN). */
    static void assertSameTree(Object expected, Object actual, String path) {
        if (expected == null || actual == null) {
            assertThat(actual).as(path).isEqualTo(expected);
            return;
        }
        assertThat(actual.getClass()).as(path + " class").isEqualTo(expected.getClass());
        if (expected instanceof Map<?, ?> expectedMap) {
            Map<?, ?> actualMap = (Map<?, ?>) actual;
            assertThat(new ArrayList<>(actualMap.keySet())).as(path + " keys")
                    .isEqualTo(new ArrayList<>(expectedMap.keySet()));
            expectedMap.forEach((key, value) -> assertSameTree(value, actualMap.get(key), path + "." + key));
        } else if (expected instanceof List<?> expectedList) {
            List<?> actualList = (List<?>) actual;
            assertThat(actualList).as(path + " size").hasSameSizeAs(expectedList);
            for (int i = 0; i < expectedList.size(); i++) {
                assertSameTree(expectedList.get(i), actualList.get(i), path + "[" + i + "]");
            }
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    /** One to three random byte changes: overwritten, dropped, inserted, or the end cut off. */
    private static byte[] damage(Random random, byte[] document) {
        byte[] damaged = document.clone();
        for (int change = random.nextInt(3); change >= 0; change--) {
            int at = random.nextInt(damaged.length);
            byte[] interesting = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '-', 'e', '.', 0, 0x1f,
                (byte) 0x80, (byte) 0xC3, (byte) 0xFF, (byte) random.nextInt()};
            damaged = switch (random.nextInt(4)) {
                case 0 -> {
                    damaged[at] = interesting[random.nextInt(interesting.length)];
                    yield damaged;
                }
                case 1 -> concat(Arrays.copyOfRange(damaged, 0, at), Arrays.copyOfRange(damaged, at + 1,
                        damaged.length));
                case 2 -> concat(Arrays.copyOfRange(damaged, 0, at),
                        concat(new byte[] {interesting[random.nextInt(interesting.length)]},
                                Arrays.copyOfRange(damaged, at, damaged.length)));
                default -> Arrays.copyOf(damaged, at);
            };
            if (damaged.length == 0) {
                return damaged;
            }
        }
        return damaged;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** A ~1 KiB session as W2 stores it (see fastmmap-benchmarks' SessionMap), with a few non-ASCII values. */
    private static Map<String, Object> session() {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("userId", 482_913);
        session.put("userName", "alice.martin");
        session.put("displayName", "Alice Martín – “Ally”");
        session.put("roles", List.of("user", "editor", "billing"));
        session.put("csrfToken", "q8Zt3vN0xkR2mWc9LbY7sJ4hFdP1aGe6UoTn5iKr-Xw");
        session.put("authenticated", true);
        session.put("createdAtMillis", 1_764_500_000_000L);
        session.put("lastPage", "/search?q=\"caf\u00e9\"&page=2\n");
        session.put("discount", null);
        Map<String, Object> preferences = new LinkedHashMap<>();
        preferences.put("theme", "dark");
        preferences.put("pageSize", 50);
        preferences.put("newsletter", false);
        session.put("preferences", preferences);
        List<Object> cart = new ArrayList<>();
        for (int item = 0; item < 8; item++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("sku", "SKU-" + (10_001 + item * 37));
            line.put("name", "Item number " + item + " of the cart");
            line.put("quantity", 1 + item % 3);
            line.put("unitPrice", 4.99 + item * 2.5);
            cart.add(line);
        }
        session.put("cart", cart);
        return session;
    }
}
