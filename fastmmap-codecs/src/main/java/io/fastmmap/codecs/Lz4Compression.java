package io.fastmmap.codecs;

import io.fastmmap.CodecException;
import io.fastmmap.Compression;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * lz4 block compression (Perl {@code compressor => 'lz4'}), id 3 in the entry flags: a 4-byte big-endian length of
 * the original value, then one lz4 block. Decompression uses lz4-java's pure-Java safe decompressor, which checks
 * every offset, so a damaged entry cannot make native code read or write outside its buffers. Needs
 * {@code at.yawk.lz4:lz4-java} on the class path.
 */
public final class Lz4Compression implements Compression {
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
        byte[] out = new byte[4 + compressor.maxCompressedLength(raw.length)];
        ByteBuffer.wrap(out).putInt(raw.length);
        int length = compressor.compress(raw, 0, raw.length, out, 4, out.length - 4);
        return java.util.Arrays.copyOf(out, 4 + length);
    }

    @Override
    public byte[] decompress(byte[] compressed) {
        int length = Compression.lengthPrefix(compressed, toString());
        byte[] raw = new byte[length];
        try {
            int done = decompressor.decompress(compressed, 4, compressed.length - 4, raw, 0, length);
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
