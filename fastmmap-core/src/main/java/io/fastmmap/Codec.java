package io.fastmmap;

import io.fastmmap.internal.codec.BytesCodec;
import io.fastmmap.internal.codec.PlainDataCodec;
import io.fastmmap.internal.codec.SerializationCodec;
import io.fastmmap.internal.codec.Utf8Codec;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.Map;

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
 *   <tr><td>{@code 'storable'}</td><td>{@link #plainData()} / {@link #plainDataMap()} for the same job (nested
 *       maps, lists, strings, numbers in a compact binary form); not Storable's byte format, so Perl cannot read
 *       it</td></tr>
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

    /**
     * A compact binary form of plain data: the Java counterpart of Perl's Storable for what a session or a cached
     * query result holds (nested maps, lists, strings and numbers): about twice as fast as JSON through Jackson
     * both ways, with less garbage, no reflection and no dependency. Not Storable's byte format: Perl cannot read
     * it.
     *
     * <p>Values are {@code null}, {@link Boolean}, {@link Byte}, {@link Short}, {@link Integer}, {@link Long},
     * {@link Float}, {@link Double}, {@link java.math.BigInteger}, {@link java.math.BigDecimal}, {@link String},
     * {@code byte[]}, {@link java.util.List} and {@link Map}, nested up to 100 deep. Map keys are non-null
     * Strings, Booleans or numbers of those types. Each value decodes to the same type (an {@code Integer} stays
     * an {@code Integer}, a {@code BigDecimal} keeps its scale); lists decode as {@link java.util.ArrayList},
     * maps as {@link java.util.LinkedHashMap} in the encoded map's iteration order; both are mutable.
     *
     * <p>Encoding anything else (a {@code Set}, an enum, a date, your own class) throws {@link CodecException}
     * naming the type and where it is ({@code cart[3].addedAt}); so does a structure that contains itself, and a
     * String with a lone surrogate (rejected, as by {@link #utf8()}, not replaced). Decoding checks every length,
     * count and nesting level against the bytes before allocating, refuses unknown types, malformed UTF-8,
     * duplicate map keys and trailing bytes: damaged or foreign bytes only ever give a {@link CodecException}
     * with the byte offset. The first byte is the format's version, so the format can evolve.
     *
     * <p>Meant for values. As a key codec it is injective, but two equal maps iterated in different orders give
     * different bytes, so use it for keys only without maps in them.
     *
     * @return the codec, thread-safe
     */
    static Codec<Object> plainData() {
        return PlainDataCodec.ANY;
    }

    /**
     * {@link #plainData()} for the common case of a map of named attributes (a web session, a row): the value at
     * the top must be a {@link Map} with {@link String} keys, and decodes as a {@link java.util.LinkedHashMap}.
     * The bytes are the same as {@link #plainData()} writes for that map, so the two read each other's entries.
     *
     * @return the codec, thread-safe
     */
    static Codec<Map<String, Object>> plainDataMap() {
        return PlainDataCodec.STRING_MAP;
    }
}
