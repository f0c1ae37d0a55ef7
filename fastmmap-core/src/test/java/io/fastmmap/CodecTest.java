package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
    record Session(String user, int visits) implements Serializable {
    }

    record Other(String secret) implements Serializable {
    }

    @Test
    void shouldRoundTripUtf8IncludingCharactersOutsideTheBasicPlane() {
        String text = "café, 日本, \uD83D\uDE00 emoji";
        byte[] bytes = Codec.utf8().encode(text);
        assertThat(bytes).hasSize(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(Codec.utf8().decode(bytes)).isEqualTo(text);
    }

    @Test
    void shouldRejectLoneSurrogatesInsteadOfReplacingThem() {
        // String.getBytes would turn both into "a?b": two keys colliding on one entry.
        assertThatThrownBy(() -> Codec.utf8().encode("a\uD800b")).isInstanceOf(CodecException.class)
                .hasMessageContaining("lone surrogate U+D800 at index 1").hasMessageContaining("Codec.bytes()");
        assertThatThrownBy(() -> Codec.utf8().encode("ab\uDFFF")).isInstanceOf(CodecException.class)
                .hasMessageContaining("U+DFFF at index 2");
    }

    @Test
    void shouldRejectMalformedUtf8OnDecoding() {
        assertThatThrownBy(() -> Codec.utf8().decode(new byte[] {'a', (byte) 0xC3}))
                .isInstanceOf(CodecException.class).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> Codec.utf8().decode(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}))
                .as("an encoded surrogate").isInstanceOf(CodecException.class);
    }

    @Test
    void shouldPassBytesThrough() {
        byte[] bytes = {1, 2, 3};
        assertThat(Codec.bytes().decode(Codec.bytes().encode(bytes))).containsExactly(1, 2, 3);
    }

    @Test
    void shouldDeserializeOnlyWhatTheAllowListAllows() {
        ObjectInputFilter allow = ObjectInputFilter.Config.createFilter(Session.class.getName() + ";java.lang.*");
        Codec<Session> codec = Codec.javaSerialization(Session.class, allow);
        Session session = new Session("ann", 3);
        assertThat(codec.decode(codec.encode(session))).isEqualTo(session);

        // Bytes of a class the list does not name (it is "undecided", not explicitly rejected) are refused.
        Codec<Other> writer = Codec.javaSerialization(Other.class,
                ObjectInputFilter.Config.createFilter(Other.class.getName()));
        byte[] foreign = writer.encode(new Other("x"));
        assertThatThrownBy(() -> codec.decode(foreign)).isInstanceOf(CodecException.class)
                .hasMessageContaining("refused").hasMessageContaining("allow-list");

        // An allowed class that is not the declared type is refused too.
        Codec<Session> permissive = Codec.javaSerialization(Session.class,
                ObjectInputFilter.Config.createFilter(Other.class.getName() + ";" + Session.class.getName()));
        assertThatThrownBy(() -> permissive.decode(foreign)).isInstanceOf(CodecException.class)
                .hasMessageContaining("not a " + Session.class.getName());
    }

    @Test
    void shouldRefuseToBuildASerializationCodecWithoutAFilter() {
        assertThatThrownBy(() -> Codec.javaSerialization(Session.class, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("allow-list");
    }

    @Test
    void shouldRoundTripBuiltInCompressionAndRejectDamagedStreams() {
        byte[] raw = "a fairly repetitive value, a fairly repetitive value, a fairly repetitive value".repeat(20)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Compression> all = new ArrayList<>(List.of(Compression.deflate(), Compression.gzip()));
        for (Compression compression : all) {
            byte[] packed = compression.compress(raw);
            assertThat(packed.length).as(compression.toString()).isLessThan(raw.length / 4);
            assertThat(compression.decompress(packed)).isEqualTo(raw);
            assertThat(compression.decompress(compression.compress(new byte[0]))).isEmpty();
            byte[] damaged = packed.clone();
            damaged[damaged.length / 2] ^= 0x55;
            damaged[damaged.length / 2 + 1] ^= 0x55;
            assertThatThrownBy(() -> compression.decompress(damaged)).as(compression.toString())
                    .isInstanceOf(CodecException.class);
        }
        assertThat(Compression.gzip().compress(raw)).startsWith(0x1f, 0x8b); // gzip framing, as Perl's memGzip
    }

    @Test
    void shouldRefuseADeflateLengthPrefixBeyondTheLimit() {
        assertThatThrownBy(() -> Compression.deflate().decompress(new byte[] {0x7f, -1, -1, -1, 0}))
                .isInstanceOf(CodecException.class).hasMessageContaining("length prefix");
    }
}
