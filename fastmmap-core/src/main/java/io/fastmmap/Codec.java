package io.fastmmap;

import java.io.ObjectInputFilter;
import java.io.Serializable;

/**
 * Turns keys or values into the bytes a {@link FastMmap} stores, and back (Perl's {@code serializer}). Keys are
 * compared by their encoded bytes, so a key codec must give equal objects equal bytes, and never two different
 * objects the same bytes.
 *
 * <table>
 *   <caption>Perl serializers and their Java counterparts</caption>
 *   <tr><th>Perl {@code serializer}</th><th>Java</th></tr>
 *   <tr><td>{@code ''} (none, raw)</td><td>{@link #bytes()}; {@link #utf8()} for text</td></tr>
 *   <tr><td>{@code 'json'}</td><td>{@code io.fastmmap.codecs.JsonCodec} (module fastmmap-codecs, Jackson)</td></tr>
 *   <tr><td>{@code 'storable'}</td><td>none yet: a Storable codec comes with Perl interoperability</td></tr>
 *   <tr><td>{@code 'sereal'}</td><td>none</td></tr>
 *   <tr><td>{@code [\&ser, \&deser]}</td><td>your own {@code Codec}</td></tr>
 * </table>
 *
 * @param <T> the type encoded
 */
public interface Codec<T> {
    /**
     * @param value never null
     * @return the bytes to store
     * @throws CodecException when the value cannot be encoded
     */
    byte[] encode(T value);

    /**
     * @param bytes what {@link #encode} produced (possibly in another process)
     * @return the value
     * @throws CodecException when the bytes are not a valid encoding
     */
    T decode(byte[] bytes);

    /** @return the identity codec: bytes are stored as they are (Perl {@code serializer => ''}) */
    static Codec<byte[]> bytes() {
        return BytesCodec.INSTANCE;
    }

    /**
     * Strict UTF-8. A string that is not valid Unicode (a lone surrogate) is rejected with
     * {@link CodecException} instead of being replaced by {@code '?'} as {@link String#getBytes} does, since two
     * different keys must never encode to the same bytes; malformed bytes are rejected on decoding the same way.
     *
     * @return the UTF-8 codec
     */
    static Codec<String> utf8() {
        return Utf8Codec.INSTANCE;
    }

    /**
     * Java serialization, only for classes {@code filter} allows. The filter is an allow-list: a class it leaves
     * {@link ObjectInputFilter.Status#UNDECIDED UNDECIDED} is rejected, so a cache file written by someone else
     * cannot make this process instantiate arbitrary classes. Build one with
     * {@code ObjectInputFilter.Config.createFilter("com.example.Session;java.util.*;java.lang.*;!*")}.
     *
     * @param type the type decoded values must have
     * @param allowList decides which classes may be deserialized; required
     * @param <T> the type
     * @return the codec
     */
    static <T extends Serializable> Codec<T> javaSerialization(Class<T> type, ObjectInputFilter allowList) {
        return new SerializationCodec<>(type, allowList);
    }
}
