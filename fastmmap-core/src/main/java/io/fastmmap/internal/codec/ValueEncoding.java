package io.fastmmap.internal.codec;

import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import io.fastmmap.Compression;
import io.fastmmap.internal.PageScan;
import java.util.Objects;

/**
 * The value layer of a {@link io.fastmmap.TypedCache}: codec, then optional compression, with the algorithm
 * recorded in bits 8 to 11 of the entry's flags (docs/file-format.md, "Record flags").
 */
public final class ValueEncoding<V> {
    public static final int ABSENT_FLAG = 2; // Perl FC_UNDEF: the read callback found nothing and cacheNotFound is on
    static final int COMPRESSION_SHIFT = 8;
    static final int COMPRESSION_MASK = 0xF << COMPRESSION_SHIFT;

    /** Encoded bytes and the flags that say how to read them back. */
    public record Encoded(byte[] bytes, int flags) {
    }

    private final Codec<V> codec;
    private final Compression compression;
    private final int thresholdBytes;

    public ValueEncoding(Codec<V> codec, Compression compression, int thresholdBytes) {
        this.codec = Objects.requireNonNull(codec, "valueCodec");
        this.compression = compression;
        this.thresholdBytes = thresholdBytes;
    }

    public Encoded encode(V value) {
        byte[] raw = codec.encode(Objects.requireNonNull(value, "value"));
        if (compression == null || raw.length < thresholdBytes) {
            return new Encoded(raw, 0);
        }
        byte[] packed = compression.compress(raw);
        return packed.length < raw.length ? new Encoded(packed, compression.id() << COMPRESSION_SHIFT)
                : new Encoded(raw, 0);
    }

    public static boolean isAbsentMarker(PageScan.Entry entry) {
        return (entry.flags() & ABSENT_FLAG) != 0;
    }

    /** @return the value, or null for an absent marker */
    public V decode(PageScan.Entry entry) {
        if (isAbsentMarker(entry)) {
            return null;
        }
        int id = (entry.flags() & COMPRESSION_MASK) >>> COMPRESSION_SHIFT;
        return codec.decode(id == 0 ? entry.value() : decompressor(id).decompress(entry.value()));
    }

    private Compression decompressor(int id) {
        if (compression != null && compression.id() == id) {
            return compression;
        }
        for (Compression builtIn : JdkCompression.values()) {
            if (builtIn.id() == id) {
                return builtIn;
            }
        }
        throw new CodecException("the value was compressed by algorithm id " + id + (id == 3 ? " (lz4)" : "")
                + ", which this cache is not configured with: add compression(...) with that algorithm "
                + "(lz4 is io.fastmmap.codecs.Lz4Compression in fastmmap-codecs)");
    }

    @Override
    public String toString() {
        return codec + (compression == null ? "" : " + " + compression + " from " + thresholdBytes + " bytes");
    }
}
