package io.fastmmap.internal.codec;

import static io.fastmmap.internal.codec.PlainDataAssert.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import io.fastmmap.Compression;
import io.fastmmap.FastMmap;
import io.fastmmap.TypedCache;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlainDataCodecTest {
    private static final Codec<Object> CODEC = Codec.plainData();

    @TempDir
    Path directory;

    private static Map<String, Object> session() {
        Map<String, Object> cartLine = new LinkedHashMap<>();
        cartLine.put("sku", "SKU-10001");
        cartLine.put("quantity", 2);
        cartLine.put("unitPrice", 4.99);
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("userId", 482_913);
        session.put("email", "alice@example.org");
        session.put("roles", List.of("user", "editor"));
        session.put("authenticated", true);
        session.put("createdAtMillis", 1_764_500_000_000L);
        session.put("cart", List.of(cartLine));
        session.put("note", null);
        return session;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    // ---------------------------------------------------------------- round trips and layout

    @Test
    void shouldWriteTheDocumentedLayout() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", 1);
        value.put("b", List.of(-1L, "é"));
        // version 1, map of 2: "a" -> Integer 1 (zigzag 2), "b" -> list of 2: Long -1 (zigzag 1), "é" (2 UTF-8 bytes)
        assertThat(CODEC.encode(value)).containsExactly(1, 0x0E, 2, 0x0B, 1, 'a', 0x05, 2, 0x0B, 1, 'b', 0x0D, 2,
                0x06, 1, 0x0B, 2, 0xC3, 0xA9);
        assertThat(Codec.plainDataMap().encode(value)).as("the map codec writes the same bytes")
                .isEqualTo(CODEC.encode(value));
    }

    @Test
    void shouldDecodeEveryTypeAsTheTypeItWas() {
        List<Object> values = new ArrayList<>(Arrays.asList(null, true, false, (byte) -7, (short) -30_000,
                Integer.MIN_VALUE, Integer.MAX_VALUE, 0, Long.MIN_VALUE, Long.MAX_VALUE, 1.5f, Float.NaN, -0.0,
                Double.NEGATIVE_INFINITY, 1e-300, new BigInteger("-123456789012345678901234567890"),
                new BigDecimal("1.50"), new BigDecimal("-1E+30"), "", "ascii", "café", "日本", "\uD83D\uDE00 emoji",
                "\uFFFD", "ascii then \uFFFD", "x".repeat(200),
                new byte[] {0, -1, 127}, new byte[0], new LinkedList<>(List.of(1, 2)), List.of(), Map.of(),
                new TreeMap<>(Map.of(2, "two", 1, "one")), Map.of(true, 1L, 2.5, "x", new BigDecimal("3.0"), 'c' + "")));
        values.add(session());
        for (Object value : values) {
            Object decoded = CODEC.decode(CODEC.encode(value));
            assertSameData(decoded, value);
        }
        assertSameData(CODEC.decode(CODEC.encode(values)), values);
        assertThat(((BigDecimal) CODEC.decode(CODEC.encode(new BigDecimal("1.50")))).scale()).isEqualTo(2);
    }

    @Test
    void shouldGiveEqualValuesEqualBytesAndKeepLengthPrefixesRightAcrossNonAsciiStrings() {
        assertThat(CODEC.encode(new LinkedList<>(List.of(1, "x")))).isEqualTo(CODEC.encode(List.of(1, "x")));
        assertThat(CODEC.encode(Double.longBitsToDouble(0x7ff8_0000_0000_0001L)))
                .as("every NaN is one value for Double.equals, so it gets one encoding")
                .isEqualTo(CODEC.encode(Double.NaN));
        // The length prefix is written for ASCII and moved when the string turns out not to be.
        for (String text : List.of("a".repeat(41) + "é" + "b".repeat(84), "é".repeat(64), "a".repeat(100)
                + "é".repeat(20), "x".repeat(127) + "é", "\uD83D\uDE00".repeat(40), "a".repeat(100)
                + "日".repeat(5500))) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            int prefix = utf8.length < 128 ? 1 : utf8.length < 16384 ? 2 : 3;
            byte[] encoded = CODEC.encode(text);
            assertThat(encoded).as("%d chars", text.length()).hasSize(2 + prefix + utf8.length);
            assertThat(encoded[2 + prefix - 1]).as("last length byte").isEqualTo((byte) (utf8.length >>> 7 * (prefix
                    - 1)));
            assertThat(Arrays.copyOfRange(encoded, 2 + prefix, encoded.length)).isEqualTo(utf8);
            assertThat(CODEC.decode(encoded)).isEqualTo(text);
        }
    }

    @Test
    void shouldReadAndWriteStringKeyedMapsWithThePlainDataMapCodec() {
        Map<String, Object> session = session();
        Map<String, Object> decoded = Codec.plainDataMap().decode(Codec.plainDataMap().encode(session));
        assertSameData(decoded, session);
        decoded.put("added", "the decoded map is mutable");
        assertThat(decoded).containsEntry("added", "the decoded map is mutable");

        assertThatThrownBy(() -> Codec.plainDataMap().decode(CODEC.encode(List.of(1))))
                .isInstanceOf(CodecException.class).hasMessageContaining("byte 1 of")
                .hasMessageContaining("a List, not a map").hasMessageContaining("Codec.plainData()");
        assertThatThrownBy(() -> Codec.plainDataMap().decode(CODEC.encode(Map.of(1, "x"))))
                .isInstanceOf(CodecException.class).hasMessageContaining("a map key is an Integer")
                .hasMessageContaining("Strings in Codec.plainDataMap()");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Object> polluted = (Map) Map.of(7, "x");
        assertThatThrownBy(() -> Codec.plainDataMap().encode(polluted)).isInstanceOf(CodecException.class)
                .hasMessageContaining("key of type java.lang.Integer (7)").hasMessageContaining("use Codec.plainData()");
    }

    @Test
    void shouldReuseDecodedKeysButNeverConfuseTwoKeysWithTheSameHash() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Map<?, ?> first = (Map<?, ?>) CODEC.decode(CODEC.encode(Map.of("Aa", 1)));
        Map<?, ?> second = (Map<?, ?>) CODEC.decode(CODEC.encode(Map.of("Aa", 2)));
        assertThat(second.keySet().iterator().next()).as("the String of the first decoding")
                .isSameAs(first.keySet().iterator().next());
        assertThat(CODEC.decode(CODEC.encode(Map.of("BB", 3)))).isEqualTo(Map.of("BB", 3));
        assertThat(CODEC.decode(CODEC.encode(Map.of("Aa", 4)))).isEqualTo(Map.of("Aa", 4));
        assertThat(CODEC.decode(CODEC.encode(Map.of("Ab", 5)))).as("same length, other bytes")
                .isEqualTo(Map.of("Ab", 5));
        String longKey = "k".repeat(33);
        assertThat(CODEC.decode(CODEC.encode(Map.of(longKey, 6)))).isEqualTo(Map.of(longKey, 6));
    }

    @Test
    void shouldKeepKeysApartThatShareACacheSlotAndNeverCacheNonAsciiKeys() {
        // 3,000 keys in a cache of 512 slots: many share a slot pair and push each other out, and a hit must still
        // be the very key read. Lengths from 2 to 32 bytes cover the one-long, two-long and bulk comparisons.
        Map<String, Object> colliding = new LinkedHashMap<>();
        for (int i = 0; i < 3_000; i++) {
            String key = i % 3 == 0 ? "k" + i : i % 3 == 1 ? "key-" + i + "-padded" : "a-much-longer-key-" + i + "-xyz";
            colliding.put(key, i);
        }
        colliding.put("aXbc", 1);
        colliding.put("aYbc", 2);
        colliding.put("a\u00e9bc", 3);
        Codec<Map<String, Object>> codec = Codec.plainDataMap();
        byte[] encoded = codec.encode(colliding);
        for (int round = 0; round < 3; round++) {
            Map<String, Object> decoded = codec.decode(encoded);
            assertThat(decoded).as("round %d", round).containsExactlyEntriesOf(colliding);
        }
        Map<String, Object> single = codec.decode(codec.encode(Map.of("aYbc", 1)));
        assertThat(single).isEqualTo(Map.of("aYbc", 1));
        Map<String, Object> nonAscii = Map.of("\u00e9t\u00e9", 1, "日本", 2, "\uFFFD", 3);
        assertThat(codec.decode(codec.encode(nonAscii))).isEqualTo(nonAscii);
        assertThat(codec.decode(codec.encode(nonAscii))).isEqualTo(nonAscii);
        assertThat(codec.decode(codec.encode(Map.of("", "empty key")))).isEqualTo(Map.of("", "empty key"));
    }

    // ---------------------------------------------------------------- encoding errors

    @Test
    void shouldNameTheTypeAndThePathOfAValueItCannotEncode() {
        Map<String, Object> session = session();
        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) ((List<?>) session.get("cart")).get(0);
        line.put("addedAt", Instant.EPOCH);
        assertThatThrownBy(() -> CODEC.encode(session)).isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot encode a java.time.Instant at cart[0].addedAt")
                .hasMessageContaining("it stores only null, Boolean")
                .hasMessageContaining("Codec.javaSerialization").hasMessageContaining("JsonCodec");

        assertThatThrownBy(() -> CODEC.encode(Map.of("tags", new HashSet<>(List.of("a")))))
                .isInstanceOf(CodecException.class).hasMessageContaining("java.util.HashSet at tags")
                .hasMessageContaining("store it as a List");
        assertThatThrownBy(() -> CODEC.encode(Map.of("odd key", List.of(new int[] {1}))))
                .isInstanceOf(CodecException.class).hasMessageContaining("[I at [\"odd key\"][0]");
        assertThatThrownBy(() -> CODEC.encode(Map.of(5L, Thread.State.NEW))).isInstanceOf(CodecException.class)
                .hasMessageContaining("at [java.lang.Long 5]").hasMessageContaining("store its name()");
        assertThatThrownBy(() -> CODEC.encode(new Object())).isInstanceOf(CodecException.class)
                .hasMessageContaining("java.lang.Object at the top");
    }

    @Test
    void shouldRefuseMapKeysThatAreNotScalars() {
        Map<Object, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, 1);
        assertThatThrownBy(() -> CODEC.encode(Map.of("inner", nullKey))).isInstanceOf(CodecException.class)
                .hasMessageContaining("the map at inner: it has a null key");
        assertThatThrownBy(() -> CODEC.encode(Map.of(List.of(1), 1))).isInstanceOf(CodecException.class)
                .hasMessageContaining("the map at the top: it has a key of type java.util.")
                .hasMessageContaining("keys are Strings, Booleans or numbers");
        assertThatThrownBy(() -> CODEC.encode(Map.of(new byte[1], 1))).isInstanceOf(CodecException.class)
                .hasMessageContaining("key of type [B");
    }

    @Test
    void shouldRefuseACycleInsteadOfRecursingForever() {
        Map<String, Object> parent = new LinkedHashMap<>();
        List<Object> children = new ArrayList<>();
        parent.put("children", children);
        Map<String, Object> child = new LinkedHashMap<>();
        children.add(child);
        child.put("parent", parent);
        assertThatThrownBy(() -> CODEC.encode(parent)).isInstanceOf(CodecException.class)
                .hasMessageContaining("the java.util.LinkedHashMap at children[0].parent: it is the one at the top "
                        + "again (a cycle)");
        List<Object> self = new ArrayList<>();
        self.add(1);
        self.add(self);
        assertThatThrownBy(() -> CODEC.encode(self)).isInstanceOf(CodecException.class)
                .hasMessageContaining("at [1]: it is the one at the top again");
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimitButAcceptTheLimit() {
        Object deepest = "leaf";
        for (int level = 0; level < PlainDataCodec.MAX_DEPTH; level++) {
            deepest = List.of(deepest);
        }
        assertThat(CODEC.decode(CODEC.encode(deepest))).isEqualTo(deepest);
        Object tooDeep = List.of(deepest);
        assertThatThrownBy(() -> CODEC.encode(tooDeep)).isInstanceOf(CodecException.class)
                .hasMessageContaining("nested more than 100 deep").hasMessageContaining("at [0][0][0]");
    }

    @Test
    void shouldRefuseLoneSurrogatesLikeTheUtf8Codec() {
        assertThatThrownBy(() -> CODEC.encode(Map.of("name", "ab\uD800c"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("the String at name has a lone surrogate U+D800 at index 2");
        assertThatThrownBy(() -> CODEC.encode(List.of("x\uDC00"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("at [0] has a lone surrogate U+DC00 at index 1");
        assertThatThrownBy(() -> CODEC.encode(Map.of("é\uD83D", 1))).as("in a key")
                .isInstanceOf(CodecException.class).hasMessageContaining("U+D83D at index 1");
    }

    @Test
    @SuppressWarnings("serial")
    void shouldRefuseAMapThatGrowsWhileItIsEncoded() {
        Map<String, Object> growing = new LinkedHashMap<>() {
            @Override
            public int size() {
                return super.size() - 1; // as if an entry was added after the count was taken
            }
        };
        growing.put("a", 1);
        growing.put("b", 2);
        assertThatThrownBy(() -> CODEC.encode(Map.of("m", growing))).isInstanceOf(CodecException.class)
                .hasMessageContaining("the " + growing.getClass().getName() + " at m changed size");
    }

    // ---------------------------------------------------------------- decoding errors

    @Test
    void shouldRefuseEmptyBytesAndUnknownVersions() {
        assertDecodeError(new byte[0], "byte 0 of 0: there are no bytes");
        assertDecodeError(bytes(2, 0), "byte 0 of 2: format version 2 is unknown");
        assertDecodeError("{\"json\":1}".getBytes(StandardCharsets.UTF_8), "format version 123 is unknown");
    }

    @Test
    void shouldRefuseUnknownTagsTrailingBytesAndTruncation() {
        assertDecodeError(bytes(1, 0x0F), "byte 1 of 2: tag 15 is not a type");
        assertDecodeError(bytes(1, 0x0D, 1, 0xFF), "byte 3 of 4: tag 255 is not a type");
        assertDecodeError(bytes(1, 0, 0), "byte 2 of 3: 1 bytes follow the end of the value");
        assertDecodeError(bytes(1), "byte 1 of 1: the value is cut short");
        assertDecodeError(bytes(1, 0x08, 0, 0, 0), "byte 2 of 5: the value is cut short: 8 more bytes needed, 3 left");
        assertDecodeError(bytes(1, 0x03), "cut short");
    }

    @Test
    void shouldCheckEveryLengthAndCountAgainstTheRemainingBytesBeforeAllocating() {
        // A count of 2^31 - 1 elements (in 5 bytes) must be refused, not become new ArrayList(2147483647).
        assertDecodeError(bytes(1, 0x0D, 0xFF, 0xFF, 0xFF, 0xFF, 0x07),
                "byte 2 of 7: a count of 2147483647 elements cannot fit in the 0 bytes left");
        assertDecodeError(bytes(1, 0x0E, 2, 0x0B, 0, 0), "a count of 2 elements cannot fit in the 3 bytes left");
        assertDecodeError(bytes(1, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F), "a length of 4294967295 bytes");
        assertDecodeError(bytes(1, 0x0C, 4, 1, 2, 3), "byte 2 of 6: a length of 4 bytes, but only 3 bytes are left");
        // The second string's 2 bytes exist, but the outer list's third element needs one of them.
        assertDecodeError(bytes(1, 0x0D, 3, 0, 0x0B, 2, 'a', 'b'), "a length of 2 bytes, but only 1 bytes");
        assertDecodeError(bytes(1, 0x09, 0), "byte 1 of 3: a number with no digits");
    }

    @Test
    void shouldNotAllocateMoreThanTheInputCanHoldWhenEveryCountIsForged() throws ReflectiveOperationException {
        // 100 nested lists each claiming as many elements as there are bytes left: without accounting for what the
        // enclosing lists already claimed, this would allocate 100 x 1 MiB references.
        int size = 1 << 20;
        byte[] forged = new byte[size];
        forged[0] = 1;
        int at = 1;
        for (int level = 0; level < 100; level++) {
            forged[at++] = 0x0D;
            int count = size - at - 3;
            for (int shift = 0; shift < 21; shift += 7) {
                forged[at++] = (byte) (count >>> shift & 0x7F | (shift < 14 ? 0x80 : 0));
            }
        }
        long before = allocatedBytes();
        assertDecodeError(forged, "byte 6 of 1048576: a count of 1048567 elements cannot fit in the 0 bytes left");
        long allocated = allocatedBytes() - before;
        // The outermost list's array is legitimately 4 or 8 MiB (compressed references or not): one, not 100.
        assertThat(allocated).as("bytes allocated decoding 1 MiB").isLessThan(16L * size);
    }

    /**
     * Bytes this thread has allocated (HotSpot's counter). Through reflection because the test sources compile
     * inside module io.fastmmap, which does not read java.management; they run on the class path.
     */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                .invoke(threads);
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimitWhenDecoding() {
        byte[] deep = new byte[1 + 2 * 101 + 1];
        deep[0] = 1;
        for (int level = 0; level < 101; level++) {
            deep[1 + 2 * level] = 0x0D;
            deep[2 + 2 * level] = 1;
        }
        assertDecodeError(deep, "byte 203 of 204: lists and maps are nested more than 100 deep");
    }

    @Test
    void shouldRefuseMalformedVarintsAndOutOfRangeNumbers() {
        assertDecodeError(bytes(1, 0x05, 0x80, 0x00), "byte 2 of 4: a varint is overlong");
        assertDecodeError(bytes(1, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x10), "a varint is larger than 32 bits");
        assertDecodeError(bytes(1, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), "a varint is longer than 5 bytes");
        assertDecodeError(bytes(1, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02),
                "a varint is larger than 64 bits");
        assertDecodeError(bytes(1, 0x04, 0x80, 0x80, 0x04), "byte 1 of 5: a Short of value 32768 is out of range");
        assertThat(CODEC.decode(bytes(1, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)))
                .as("the largest 10-byte varint").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldRefuseMalformedUtf8InsteadOfReplacingIt() {
        assertDecodeError(bytes(1, 0x0B, 2, 'a', 0x80), "byte 4 of 5: invalid UTF-8 in the String starting at "
                + "byte 3: byte 0x80 cannot start a character");
        assertDecodeError(bytes(1, 0x0B, 1, 0xC3), "the last character is cut short");
        assertDecodeError(bytes(1, 0x0B, 2, 0xC3, 'a'), "byte 4 of 5: invalid UTF-8 in the String starting at byte "
                + "3: a character's continuation byte is missing");
        assertDecodeError(bytes(1, 0x0B, 2, 0xC0, 0xAF), "U+2F is encoded overlong");
        assertDecodeError(bytes(1, 0x0B, 3, 0xED, 0xA0, 0x80), "U+D800 is not a character");
        assertDecodeError(bytes(1, 0x0B, 4, 0xF4, 0x90, 0x80, 0x80), "U+110000 is not a character");
        assertDecodeError(bytes(1, 0x0B, 4, 0xF8, 0x88, 0x80, 0x80), "byte 0xf8 cannot start a character");
        assertThat(CODEC.decode(bytes(1, 0x0B, 4, 0xF0, 0x9F, 0x98, 0x80))).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void shouldRefuseDuplicateAndNonScalarMapKeys() {
        assertDecodeError(bytes(1, 0x0E, 2, 0x05, 2, 0, 0x05, 2, 0), "byte 6 of 9: the map has the key 1 twice");
        assertDecodeError(bytes(1, 0x0E, 1, 0x0D, 0, 0), "byte 3 of 6: a map key is a List;");
        assertDecodeError(bytes(1, 0x0E, 1, 0x00, 0), "a map key is null;");
        byte[] bigKeys = new byte[3 + 2 * (2 + 26 + 1)];
        bigKeys[0] = 1;
        bigKeys[1] = 0x0E;
        bigKeys[2] = 2;
        for (int entry = 0, at = 3; entry < 2; entry++, at += 29) {
            bigKeys[at] = 0x09;
            bigKeys[at + 1] = 26;
            Arrays.fill(bigKeys, at + 2, at + 28, (byte) 0x7F); // a 207-bit number
        }
        assertDecodeError(bigKeys, "byte 32 of 61: the map has the key (a BigInteger of 207 bits) twice");
        Map<Object, Object> integerAndLongOne = new LinkedHashMap<>();
        integerAndLongOne.put(1, null);
        integerAndLongOne.put(1L, null);
        assertSameData(CODEC.decode(bytes(1, 0x0E, 2, 0x05, 2, 0, 0x06, 2, 0)), integerAndLongOne);
    }

    private static void assertDecodeError(byte[] bytes, String message) {
        assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageStartingWith("Codec.plainData(): byte ").hasMessageContaining(message)
                .hasMessageContaining("damaged");
    }

    // ---------------------------------------------------------------- through a cache file

    @Test
    void shouldStoreSessionsInACacheFileAndNameTheKeyOfADamagedOne() {
        Path path = directory.resolve("sessions.fmm");
        Map<String, Object> session = session();
        try (TypedCache<String, Map<String, Object>> sessions = TypedCache.builder(
                FastMmap.builder(path).pageCount(3).pageSize(16384).build(), Codec.utf8(), Codec.plainDataMap())
                .compression(Compression.deflate(), 64).build()) {
            sessions.put("abc", session);
            sessions.compute("abc", (id, old) -> {
                Map<String, Object> next = new LinkedHashMap<>(old);
                next.put("visits", 2);
                return next;
            });
            sessions.raw().set("bad".getBytes(StandardCharsets.UTF_8), bytes(1, 0x0E, 5));
        }
        try (TypedCache<String, Map<String, Object>> reader = TypedCache.builder(
                FastMmap.builder(path).pageCount(3).pageSize(16384).build(), Codec.utf8(), Codec.plainDataMap())
                .build()) {
            Map<String, Object> expected = new LinkedHashMap<>(session);
            expected.put("visits", 2);
            assertSameData(reader.get("abc"), expected);
            assertThatThrownBy(() -> reader.get("bad")).isInstanceOf(CodecException.class)
                    .hasMessageContaining("sessions.fmm").hasMessageContaining("key \"bad\"")
                    .hasMessageContaining("Codec.plainDataMap(): byte 2 of 3: a count of 5 elements");
        }
    }
}
