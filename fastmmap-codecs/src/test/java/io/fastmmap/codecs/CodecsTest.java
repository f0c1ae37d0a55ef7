package io.fastmmap.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastmmap.CacheEntry;
import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import io.fastmmap.Compression;
import io.fastmmap.FastMmap;
import io.fastmmap.TypedCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodecsTest {
    @TempDir
    Path directory;

    record Session(String user, List<String> roles, long createdAt) {
    }

    @Test
    void shouldRoundTripRecordsAndGenericTypesAsJson() {
        JsonCodec<Session> codec = JsonCodec.of(Session.class);
        Session session = new Session("ann", List.of("admin", "dev"), 1_700_000_000L);
        byte[] json = codec.encode(session);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"user\":\"ann\",\"roles\":[\"admin\",\"dev\"],\"createdAt\":1700000000}");
        assertThat(codec.decode(json)).isEqualTo(session);

        JsonCodec<Map<String, Object>> maps = JsonCodec.of(new ObjectMapper(), new TypeReference<>() { });
        assertThat(maps.decode("{\"a\":1,\"b\":[true]}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Map.of("a", 1, "b", List.of(true)));
        // Perl's allow_nonref: a bare scalar at the top level is valid JSON too.
        assertThat(JsonCodec.of(String.class).decode("\"just text\"".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("just text");
    }

    @Test
    void shouldWriteTheRuntimeClassAndReadMapsInTheirOrderWithTheReaderAndWriterMadeOnce() {
        // The writer has no root type: a value of a subclass (here a record behind Object) is written whole.
        JsonCodec<Object> objects = JsonCodec.of(Object.class);
        assertThat(new String(objects.encode(new Session("bo", List.of(), 1L)), StandardCharsets.UTF_8))
                .isEqualTo("{\"user\":\"bo\",\"roles\":[],\"createdAt\":1}");
        JsonCodec<Map<String, Object>> maps = JsonCodec.of(new ObjectMapper(), new TypeReference<>() { });
        byte[] json = "{\"z\":1,\"a\":{\"y\":2.5,\"b\":\"\u00e9\"},\"m\":null}".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) { // the same reader, twice
            Map<String, Object> decoded = maps.decode(json);
            assertThat(decoded.keySet()).containsExactly("z", "a", "m");
            assertThat(List.copyOf(((Map<?, ?>) decoded.get("a")).keySet())).isEqualTo(List.of("y", "b"));
            assertThat(new String(maps.encode(decoded), StandardCharsets.UTF_8))
                    .isEqualTo(new String(json, StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> maps.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("not JSON of this type");
    }

    @Test
    void shouldReportBytesThatAreNotJsonOfTheType() {
        assertThatThrownBy(() -> JsonCodec.of(Session.class).decode(new byte[] {'{', 'x'}))
                .isInstanceOf(CodecException.class).hasMessageContaining("JsonCodec(")
                .hasMessageContaining("not JSON of this type");
    }

    @Test
    void shouldRoundTripLz4AndRejectDamagedBlocks() {
        byte[] raw = "lz4 likes repeated text, lz4 likes repeated text. ".repeat(50)
                .getBytes(StandardCharsets.UTF_8);
        Lz4Compression lz4 = Lz4Compression.instance();
        byte[] packed = lz4.compress(raw);
        assertThat(packed.length).isLessThan(raw.length / 4);
        assertThat(lz4.decompress(packed)).isEqualTo(raw);
        assertThat(lz4.decompress(lz4.compress(new byte[0]))).isEmpty();
        byte[] noise = new byte[5000];
        new Random(3).nextBytes(noise);
        assertThat(lz4.decompress(lz4.compress(noise))).isEqualTo(noise);

        byte[] truncated = java.util.Arrays.copyOf(packed, packed.length / 2);
        assertThatThrownBy(() -> lz4.decompress(truncated)).isInstanceOf(CodecException.class)
                .hasMessageContaining("Lz4Compression");
        byte[] lying = packed.clone();
        lying[3] += 1; // the length prefix no longer matches the block
        assertThatThrownBy(() -> lz4.decompress(lying)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> lz4.decompress(new byte[] {0x7f, 0, 0, 0})).isInstanceOf(CodecException.class)
                .hasMessageContaining("length prefix");
    }

    @Test
    void shouldStoreJsonValuesCompressedWithLz4InATypedCache() {
        Path file = directory.resolve("sessions.fmm");
        Session big = new Session("bob", java.util.Collections.nCopies(100, "reader"), 1L);
        Session small = new Session("cy", List.of(), 2L);
        try (TypedCache<String, Session> cache = TypedCache.builder(
                FastMmap.builder(file).pageCount(3).pageSize(16384).build(), Codec.utf8(),
                JsonCodec.of(Session.class)).compression(Lz4Compression.instance(), 256).build()) {
            cache.put("big", big);
            cache.put("small", small);
            assertThat(cache.get("big")).isEqualTo(big);
            assertThat(cache.get("small")).isEqualTo(small);
            for (CacheEntry entry : cache.raw().entries()) {
                String key = new String(entry.key(), StandardCharsets.UTF_8);
                assertThat(entry.flags()).as(key).isEqualTo(key.equals("big") ? 3 << 8 : 0);
            }
        }
        // A process without lz4 configured says which algorithm it lacks instead of returning garbage.
        try (TypedCache<String, Session> plain = TypedCache.builder(
                FastMmap.builder(file).pageCount(3).pageSize(16384).build(), Codec.utf8(),
                JsonCodec.of(Session.class)).compression(Compression.gzip(), 0).build()) {
            assertThat(plain.get("small")).isEqualTo(small);
            assertThatThrownBy(() -> plain.get("big")).isInstanceOf(CodecException.class)
                    .hasMessageContaining("key \"big\"").hasMessageContaining("lz4");
        }
    }
}
