package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TypedCacheTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap file(String name) {
        return FastMmap.builder(directory.resolve(name)).pageCount(5).pageSize(16384).clock(clock).build();
    }

    private TypedCache<String, String> strings(FastMmap file) {
        return TypedCache.builder(file, Codec.utf8(), Codec.utf8()).build();
    }

    @Test
    void shouldRemoveAnExpiredEntryWhenComputeAnswersNullForNull() {
        try (TypedCache<String, String> cache = strings(file("expired.fmm"))) {
            cache.put("k", "v", Duration.ofMinutes(1));
            clock.advance(Duration.ofMinutes(2));

            assertThat(cache.compute("k", (key, old) -> old)).as("expired reads as absent").isNull();
            clock.advance(Duration.ofMinutes(-2));

            assertThat(cache.get("k")).as("a clock set back must not bring the removed entry back").isNull();
        }
    }

    @Test
    void shouldOfferMapLikeOperationsOverEncodedKeysAndValues() {
        try (TypedCache<String, String> cache = strings(file("map.fmm"))) {
            assertThat(cache.get("k")).isNull();
            cache.put("k", "v1");
            assertThat(cache.get("k")).isEqualTo("v1");
            assertThat(cache.raw().get("k".getBytes(StandardCharsets.UTF_8))).asString().isEqualTo("v1");
            assertThat(cache.containsKey("k")).isTrue();
            assertThat(cache.compute("k", (key, old) -> old + "+")).isEqualTo("v1+");
            assertThat(cache.compute("n", (key, old) -> old == null ? "new" : "wrong")).isEqualTo("new");
            assertThat(cache.compute("n", (key, old) -> null)).isNull();
            assertThat(cache.containsKey("n")).isFalse();
            assertThat(cache.putIfAbsent("k", "other")).isEqualTo("v1+");
            assertThat(cache.putIfAbsent("fresh", "first")).isNull();
            assertThat(cache.putIfAbsent("fresh", "second")).isEqualTo("first");
            assertThat(cache.get("fresh")).isEqualTo("first");
            cache.remove("fresh");
            assertThat(cache.getAndRemove("k")).isEqualTo("v1+");
            assertThat(cache.remove("k")).isFalse();

            Map<String, String> many = new LinkedHashMap<>();
            for (int i = 0; i < 40; i++) {
                many.put("key" + i, "value" + i);
            }
            cache.putAll(many);
            Map<String, String> read = cache.getAll(List.of("key3", "absent", "key39"));
            assertThat(read).containsExactly(Map.entry("key3", "value3"), Map.entry("key39", "value39"));
            Map<String, String> iterated = new HashMap<>();
            cache.entries().forEach(e -> iterated.put(e.getKey(), e.getValue()));
            assertThat(iterated).isEqualTo(many);
            assertThat(cache.keys()).hasSize(40);

            cache.put("brief", "x", Duration.ofSeconds(2));
            clock.advance(Duration.ofSeconds(2));
            assertThat(cache.get("brief")).isNull();
        }
    }

    @Test
    void shouldCompressFromTheThresholdOnlyAndOnlyWhenItShrinks() {
        String large = "the same words again and again ".repeat(40);
        try (TypedCache<String, String> cache = TypedCache.builder(file("zip.fmm"), Codec.utf8(), Codec.utf8())
                .compression(Compression.deflate(), 100).build()) {
            cache.put("small", "short value under the threshold");
            cache.put("large", large);
            assertThat(cache.get("small")).isEqualTo("short value under the threshold");
            assertThat(cache.get("large")).isEqualTo(large);

            Map<String, CacheEntry> stored = new HashMap<>();
            cache.raw().entriesWithValues().forEach(e -> stored.put(new String(e.key(), StandardCharsets.UTF_8), e));
            assertThat(stored.get("small").flags()).isZero();
            assertThat(new String(stored.get("small").value(), StandardCharsets.UTF_8))
                    .isEqualTo("short value under the threshold");
            assertThat(stored.get("large").flags()).isEqualTo(1 << 8);
            assertThat(stored.get("large").value().length).isLessThan(large.length() / 4);
        }
        // A process with another (or no) compression still reads it: the id in the flags says how.
        try (TypedCache<String, String> reader = TypedCache.builder(
                FastMmap.builder(directory.resolve("zip.fmm")).pageCount(5).pageSize(16384).clock(clock).build(),
                Codec.utf8(), Codec.utf8()).compression(Compression.gzip(), 0).build()) {
            assertThat(reader.get("large")).isEqualTo(large);
            reader.put("gz", large);
            assertThat(reader.raw().entries()).anySatisfy(e -> assertThat(e.flags()).isEqualTo(2 << 8));
        }
        try (TypedCache<String, String> plain = strings(
                FastMmap.builder(directory.resolve("zip.fmm")).pageCount(5).pageSize(16384).clock(clock).build())) {
            assertThat(plain.get("gz")).isEqualTo(large);
        }
    }

    @Test
    void shouldRoundTripEveryValueSizeAroundTheThreshold() {
        try (TypedCache<byte[], byte[]> cache = TypedCache.builder(file("sizes.fmm"), Codec.bytes(), Codec.bytes())
                .compression(Compression.gzip(), 64).build()) {
            for (int size = 0; size < 250; size += 7) {
                byte[] value = new byte[size];
                for (int i = 0; i < size; i++) {
                    value[i] = (byte) (i % 5);
                }
                cache.put(new byte[] {(byte) size}, value);
                assertThat(cache.get(new byte[] {(byte) size})).as("size %d", size).isEqualTo(value);
            }
            byte[] noise = new byte[2000];
            new java.util.Random(7).nextBytes(noise);
            cache.put(new byte[] {-1}, noise);
            assertThat(cache.get(new byte[] {-1})).isEqualTo(noise);
            for (CacheEntry entry : cache.raw().entries()) {
                int size = entry.key()[0] & 0xFF;
                int expected = size == 255 || size < 64 ? 0 : 2 << 8; // noise does not shrink: stored raw
                assertThat(entry.flags()).as("flags of size %d", size).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldNameTheKeyWhenAValueCannotBeDecoded() {
        try (FastMmap raw = file("bad.fmm");
                TypedCache<String, String> cache = strings(raw)) {
            raw.set("k".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3});
            assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CodecException.class)
                    .hasMessageContaining("bad.fmm").hasMessageContaining("key \"k\"");
        }
    }

    /**
     * Regression (issue 19, item 6): a co-tenant with write access stores 12 bytes flagged as deflate whose length
     * prefix says 1 GiB. A TypedCache without compression configured still decodes the built-in algorithms (so a
     * reader can share a file with a writer that compresses; documented), and pre-allocated the prefix's 1 GiB
     * (OutOfMemoryError). The allocation is now bounded by what the stored bytes can inflate to.
     */
    @Test
    void aForgedDeflateLengthPrefixShouldBeRefusedWithoutAllocatingIt() {
        byte[] forged = java.nio.ByteBuffer.allocate(12).putInt(1 << 30).put(new byte[] {0x78, (byte) 0x9c, 3, 0})
                .array();
        Compression forger = new Compression() {
            @Override
            public int id() {
                return Compression.deflate().id();
            }

            @Override
            public byte[] compress(byte[] raw) {
                return forged;
            }

            @Override
            public byte[] decompress(byte[] compressed) {
                throw new UnsupportedOperationException();
            }
        };
        try (FastMmap file = file("forged.fmm")) {
            TypedCache.builder(file, Codec.utf8(), Codec.utf8()).compression(forger, 0).build()
                    .put("k", "x".repeat(40));
            TypedCache<String, String> reader = strings(file);
            long before = allocatedBytes();
            assertThatThrownBy(() -> reader.get("k")).isInstanceOf(CodecException.class)
                    .hasMessageContaining("deflate");
            assertThat(allocatedBytes() - before).as("bytes allocated to refuse it").isLessThan(16 << 20);
        }
    }

    /** This thread's allocated bytes, through reflection: the test module does not read jdk.management. */
    private static long allocatedBytes() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getCurrentThreadAllocatedBytes").invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read this thread's allocated bytes", e);
        }
    }
}
