package io.fastmmap.codecs;

import io.fastmmap.CodecException;
import io.fastmmap.Compression;

/**
 * lz4 block compression, id 3 in the entry flags, in Perl's Compress::LZ4 format (the module behind Cache::FastMmap's
 * {@code compressor => 'lz4'}): a 4-byte little-endian length of the original value, then one lz4 block, so a value
 * compressed by either side decompresses on the other. Decompression uses lz4-java's pure-Java safe decompressor,
 * which checks every offset, so a damaged entry cannot make native code read or write outside its buffers; the
 * length prefix is checked against what the block can decompress to before anything is allocated. Needs
 * {@code at.yawk.lz4:lz4-java} on the class path. fastmmap-perl's {@code PerlCompressor.LZ4} is this class.
 */
public final class Lz4Compression implements Compression {
    /** Made on first use, so a missing lz4-java fails in {@link #instance()} with a message, not at class loading. */
    private static final class Holder {
        static final Lz4Compression INSTANCE = new Lz4Compression(new Lz4Blocks());
    }

    /** This class names no lz4-java type itself: only {@link Lz4Blocks} does, and it loads with the library. */
    private final Lz4Blocks blocks;

    private Lz4Compression(Lz4Blocks blocks) {
        this.blocks = blocks;
    }

    /**
     * @return lz4 with the fast compressor
     * @throws CodecException when {@code at.yawk.lz4:lz4-java} is not on the class path
     */
    public static Lz4Compression instance() {
        try {
            return Holder.INSTANCE;
        } catch (NoClassDefFoundError e) {
            throw new CodecException("Lz4Compression needs at.yawk.lz4:lz4-java on the class path (an optional "
                    + "dependency of fastmmap-codecs and fastmmap-perl): add it next to them", e);
        }
    }

    @Override
    public int id() {
        return 3;
    }

    @Override
    public byte[] compress(byte[] raw) {
        return blocks.compress(raw);
    }

    @Override
    public byte[] decompress(byte[] compressed) {
        return blocks.decompress(compressed);
    }

    @Override
    public String toString() {
        return "Lz4Compression";
    }
}
