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

/**
 * lz4 block compression, id 3 in the entry flags, in Perl's Compress::LZ4 format (the module behind Cache::FastMmap's
 * {@code compressor => 'lz4'}): a 4-byte little-endian length of the original value, then one lz4 block, so a value
 * compressed by either side decompresses on the other. Decompression uses lz4-java's pure-Java safe decompressor,
 * which checks every offset, so a damaged entry cannot make native code read or write outside its buffers; the
 * length prefix is checked against what the block can decompress to before anything is allocated. Needs
 * {@code at.yawk.lz4:lz4-java} on the class path.
 */
public final class Lz4Compression implements Compression {
    /**
     * lz4 cannot expand more than 255 times (a match's length costs at least one byte per 255), plus a few bytes
     * of the final literals: a prefix above that is forged or damaged and would only allocate memory.
     */
    private static final int MAX_RATIO = 255;
    private static final int PREFIX_BYTES = 4;

    private static final Lz4Compression INSTANCE = new Lz4Compression();

    private final LZ4Compressor compressor = LZ4Factory.safeInstance().fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4Factory.safeInstance().safeDecompressor();

    private Lz4Compression() {
    }

    /** @return lz4 with the fast compressor */
    public static Lz4Compression instance() {
        return INSTANCE;
    }

    @Override
    public int id() {
        return 3;
    }

    @Override
    public byte[] compress(byte[] raw) {
        byte[] out = new byte[PREFIX_BYTES + compressor.maxCompressedLength(raw.length)];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(raw.length);
        int length = compressor.compress(raw, 0, raw.length, out, PREFIX_BYTES, out.length - PREFIX_BYTES);
        return Arrays.copyOf(out, PREFIX_BYTES + length);
    }

    @Override
    public byte[] decompress(byte[] compressed) {
        if (compressed.length < PREFIX_BYTES) {
            throw bad(compressed.length + " bytes, shorter than the 4-byte length prefix");
        }
        long length = ByteBuffer.wrap(compressed).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
        long blockBytes = compressed.length - PREFIX_BYTES;
        if (length > Math.min(blockBytes * MAX_RATIO + 16, MAX_DECOMPRESSED_BYTES)) {
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

    @Override
    public String toString() {
        return "Lz4Compression";
    }
}
