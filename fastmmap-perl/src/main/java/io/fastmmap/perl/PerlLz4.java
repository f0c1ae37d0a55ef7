package io.fastmmap.perl;

import io.fastmmap.CodecException;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * Compress::LZ4's {@code compress}/{@code uncompress} format: a 4-byte little-endian original length, then one lz4
 * block. Loaded only when {@link PerlCompressor#LZ4} is used, so lz4-java stays optional.
 */
final class PerlLz4 {
    /** lz4 cannot expand more than 255 times: bounds the allocation of a damaged or hostile length. */
    private static final int MAX_RATIO = 255;

    private PerlLz4() {
    }

    static byte[] compress(byte[] raw) {
        byte[] block = factory().fastCompressor().compress(raw);
        byte[] out = new byte[4 + block.length];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) (raw.length >>> (8 * i));
        }
        System.arraycopy(block, 0, out, 4, block.length);
        return out;
    }

    static byte[] decompress(byte[] stored) {
        if (stored.length < 4) {
            throw new CodecException("compressor 'lz4': a stored value of " + stored.length + " bytes is shorter than "
                    + "Compress::LZ4's 4-byte length");
        }
        long length = (stored[0] & 0xFFL) | (stored[1] & 0xFFL) << 8 | (stored[2] & 0xFFL) << 16
                | (stored[3] & 0xFFL) << 24;
        if (length > (long) (stored.length - 4) * MAX_RATIO + 16) {
            throw new CodecException("compressor 'lz4': a length of " + length + " bytes cannot come from "
                    + (stored.length - 4) + " compressed bytes: damaged, or not Compress::LZ4 data");
        }
        try {
            byte[] raw = new byte[(int) length];
            int written = factory().safeDecompressor().decompress(stored, 4, stored.length - 4, raw, 0);
            if (written != length) {
                throw new CodecException("compressor 'lz4': " + written + " bytes instead of " + length);
            }
            return raw;
        } catch (LZ4Exception e) {
            throw new CodecException("compressor 'lz4': not a valid lz4 block: " + e.getMessage(), e);
        }
    }

    private static LZ4Factory factory() {
        try {
            return LZ4Factory.safeInstance();
        } catch (NoClassDefFoundError e) {
            throw new CodecException("compressor 'lz4' needs at.yawk.lz4:lz4-java on the class path", e);
        }
    }
}
