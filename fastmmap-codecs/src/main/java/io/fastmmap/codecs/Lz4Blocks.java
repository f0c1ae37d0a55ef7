package io.fastmmap.codecs;

import io.fastmmap.CodecException;
import io.fastmmap.Compression;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/** Compress::LZ4's framing around lz4-java's blocks; the only class of the module that names lz4-java's types. */
final class Lz4Blocks {
    /**
     * lz4 cannot expand more than 255 times (a match's length costs at least one byte per 255), plus a few bytes
     * of the final literals: a prefix above that is forged or damaged and would only allocate memory.
     */
    private static final int MAX_RATIO = 255;
    private static final int PREFIX_BYTES = 4;

    private final LZ4Compressor compressor = LZ4Factory.safeInstance().fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4Factory.safeInstance().safeDecompressor();

    byte[] compress(byte[] raw) {
        byte[] out = new byte[PREFIX_BYTES + compressor.maxCompressedLength(raw.length)];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(raw.length);
        int length = compressor.compress(raw, 0, raw.length, out, PREFIX_BYTES, out.length - PREFIX_BYTES);
        return Arrays.copyOf(out, PREFIX_BYTES + length);
    }

    byte[] decompress(byte[] compressed) {
        if (compressed.length < PREFIX_BYTES) {
            throw bad(compressed.length + " bytes, shorter than the 4-byte length prefix");
        }
        long length = ByteBuffer.wrap(compressed).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
        long blockBytes = compressed.length - PREFIX_BYTES;
        if (length > Math.min(blockBytes * MAX_RATIO + 16, Compression.MAX_DECOMPRESSED_BYTES)) {
            throw bad("a length prefix of " + length + " bytes in front of a " + blockBytes
                    + "-byte block, which lz4 cannot decompress to");
        }
        byte[] raw = new byte[(int) length];
        try {
            int done = decompressor.decompress(compressed, PREFIX_BYTES, (int) blockBytes, raw, 0, (int) length);
            if (done != length) {
                throw bad("a block of " + done + " bytes under a " + length + "-byte length prefix");
            }
        } catch (LZ4Exception e) {
            throw bad("a damaged lz4 block (" + e.getMessage() + ")");
        }
        return raw;
    }

    private static CodecException bad(String what) {
        return new CodecException("Lz4Compression: the stored value holds " + what
                + "; it was damaged or written by another algorithm: remove the key");
    }
}
