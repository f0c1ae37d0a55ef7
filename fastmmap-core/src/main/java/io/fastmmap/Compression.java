package io.fastmmap;

import io.fastmmap.internal.codec.JdkCompression;

/**
 * How a {@link TypedCache} compresses values (Perl's {@code compressor}). Keys are never compressed. Each
 * algorithm has an {@link #id()} that is stored in the entry's flags, so every process reads every entry
 * whatever it writes itself; values shorter than the threshold given to
 * {@link TypedCache.Builder#compression(Compression, int)}, or that would not shrink, are stored as they are
 * with id 0.
 *
 * <table>
 *   <caption>Perl compressors and their Java counterparts</caption>
 *   <tr><th>Perl {@code compressor}</th><th>Java</th><th>id</th></tr>
 *   <tr><td>(none)</td><td>no {@code compression(...)} call</td><td>0</td></tr>
 *   <tr><td>{@code 'zlib'} (gzip framing)</td><td>{@link #gzip()}</td><td>2</td></tr>
 *   <tr><td>none</td><td>{@link #deflate()}: zlib stream with a length prefix, less overhead</td><td>1</td></tr>
 *   <tr><td>{@code 'lz4'}</td><td>{@code io.fastmmap.codecs.Lz4Compression} (module fastmmap-codecs; Compress::LZ4's
 *       value format)</td>
 *       <td>3</td></tr>
 *   <tr><td>{@code 'snappy'}</td><td>none</td><td></td></tr>
 * </table>
 */
public interface Compression {
    /** The largest value a built-in algorithm inflates to: a damaged or hostile entry cannot exhaust memory. */
    int MAX_DECOMPRESSED_BYTES = 1 << 30;

    /** @return 1 to 15, unique per algorithm; 1 to 3 are taken by the built-in ones, 8 to 15 are free for yours */
    int id();

    /**
     * @param raw the encoded value
     * @return the compressed form
     */
    byte[] compress(byte[] raw);

    /**
     * @param compressed what {@link #compress} produced, possibly in another process
     * @return the original bytes
     * @throws CodecException when the bytes are not a valid stream of this algorithm
     */
    byte[] decompress(byte[] compressed);

    /**
     * For algorithms that store the original length first, big-endian (deflate): reads and checks it.
     *
     * @param compressed the stored bytes
     * @param algorithm named in the error
     * @return the original length, 0 to {@link #MAX_DECOMPRESSED_BYTES}
     * @throws CodecException when the prefix is missing or out of range
     */
    static int lengthPrefix(byte[] compressed, String algorithm) {
        int length = compressed.length < 4 ? -1 : java.nio.ByteBuffer.wrap(compressed).getInt();
        if (length < 0 || length > MAX_DECOMPRESSED_BYTES) {
            throw new CodecException(algorithm + ": the stored value has " + (compressed.length < 4
                    ? compressed.length + " bytes, shorter than the length prefix"
                    : "a length prefix of " + length + " bytes") + "; it was damaged or written by another "
                    + "algorithm: remove the key");
        }
        return length;
    }

    /** @return deflate (zlib stream, default level) behind a 4-byte length, id 1 */
    static Compression deflate() {
        return JdkCompression.DEFLATE;
    }

    /** @return gzip (RFC 1952), the framing of Perl's {@code compressor => 'zlib'}, id 2 */
    static Compression gzip() {
        return JdkCompression.GZIP;
    }
}
