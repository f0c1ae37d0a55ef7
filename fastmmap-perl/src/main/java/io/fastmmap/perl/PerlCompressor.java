package io.fastmmap.perl;

import io.fastmmap.Compression;
import io.fastmmap.codecs.Lz4Compression;

import java.util.Locale;

/**
 * Cache::FastMmap's {@code compressor} option, applied to the serialized value ({@link PerlValues}).
 *
 * <table>
 *   <caption>Perl compressors</caption>
 *   <tr><th>Perl</th><th>Java</th><th>format</th></tr>
 *   <tr><td>none</td><td>{@link #NONE}</td><td></td></tr>
 *   <tr><td>{@code 'zlib'} (or {@code compress => 1})</td><td>{@link #ZLIB}</td>
 *       <td>gzip, as Compress::Zlib's memGzip</td></tr>
 *   <tr><td>{@code 'lz4'}</td><td>{@link #LZ4} (needs lz4-java)</td>
 *       <td>Compress::LZ4: the original length as a 4-byte little-endian integer, then one lz4 block</td></tr>
 *   <tr><td>{@code 'snappy'}</td><td>none: {@link #named} refuses it</td><td></td></tr>
 * </table>
 */
public enum PerlCompressor {
    /** No compressor. */
    NONE {
        @Override
        byte[] compress(byte[] raw) {
            return raw;
        }

        @Override
        byte[] decompress(byte[] stored) {
            return stored;
        }
    },
    /** Perl's {@code compressor => 'zlib'}: gzip framing. */
    ZLIB {
        @Override
        byte[] compress(byte[] raw) {
            return Compression.gzip().compress(raw);
        }

        @Override
        byte[] decompress(byte[] stored) {
            return Compression.gzip().decompress(stored);
        }
    },
    /**
     * Perl's {@code compressor => 'lz4'} (Compress::LZ4): fastmmap-codecs' {@link Lz4Compression}, whose bytes are
     * Compress::LZ4's; needs {@code at.yawk.lz4:lz4-java}.
     */
    LZ4 {
        @Override
        byte[] compress(byte[] raw) {
            return Lz4Compression.instance().compress(raw);
        }

        @Override
        byte[] decompress(byte[] stored) {
            return Lz4Compression.instance().decompress(stored);
        }
    };

    abstract byte[] compress(byte[] raw);

    abstract byte[] decompress(byte[] stored);

    /**
     * @param perlName the value of Perl's {@code compressor} option ("zlib", "lz4"), or null/"" for none
     * @return the compressor of that name
     * @throws IllegalArgumentException for "snappy" (not supported) and unknown names
     */
    public static PerlCompressor named(String perlName) {
        if (perlName == null || perlName.isEmpty()) {
            return NONE;
        }
        switch (perlName.toLowerCase(Locale.ROOT)) {
            case "zlib":
                return ZLIB;
            case "lz4":
                return LZ4;
            case "snappy":
                throw new IllegalArgumentException("compressor => 'snappy' is not supported from Java; switch the "
                        + "Perl side to 'zlib' or 'lz4'");
            default:
                throw new IllegalArgumentException("compressor '" + perlName + "' is not one of Cache::FastMmap's: "
                        + "zlib, lz4 or snappy");
        }
    }
}
