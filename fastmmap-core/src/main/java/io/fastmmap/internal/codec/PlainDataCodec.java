package io.fastmmap.internal.codec;

import io.fastmmap.Codec;
import java.util.Map;

/**
 * {@link Codec#plainData()} and {@link Codec#plainDataMap()}: the format's constants and the codec itself; the work
 * is done by {@link PlainDataWriter} and {@link PlainDataReader}. The byte layout is specified in
 * docs/file-format.md, "Value encoding: plain data" (with a dump that PlainDataFormatExampleTest checks); what it is
 * for, in docs/features.md, "Plain data".
 */
public final class PlainDataCodec<T> implements Codec<T> {
    /** First byte of every encoding. A new layout gets a new number; readers refuse numbers they do not know. */
    public static final byte VERSION = 1;

    static final byte NULL = 0x00;
    static final byte FALSE = 0x01;
    static final byte TRUE = 0x02;
    static final byte BYTE = 0x03; // 1 byte
    static final byte SHORT = 0x04; // zigzag varint
    static final byte INT = 0x05; // zigzag varint
    static final byte LONG = 0x06; // zigzag varint
    static final byte FLOAT = 0x07; // 4 bytes, big-endian IEEE 754
    static final byte DOUBLE = 0x08; // 8 bytes, big-endian IEEE 754
    static final byte BIG_INTEGER = 0x09; // varint length, two's complement big-endian (BigInteger.toByteArray)
    static final byte BIG_DECIMAL = 0x0A; // zigzag varint scale, then the unscaled value as BIG_INTEGER's payload
    static final byte STRING = 0x0B; // varint length, UTF-8
    static final byte BYTES = 0x0C; // varint length, the bytes
    static final byte LIST = 0x0D; // varint count, the elements
    static final byte MAP = 0x0E; // varint count, key then value for each entry
    static final byte LAST_TAG = MAP;

    /**
     * Containers nested deeper than this are refused both ways: on encoding it catches a structure that contains
     * itself, on decoding it bounds the recursion that hostile bytes could otherwise drive into a stack overflow.
     */
    static final int MAX_DEPTH = 100;

    /** One huge value must not make every later encoding start with a huge buffer. */
    private static final int MAX_START_BYTES = 16 * 1024;

    static final String SUPPORTED = "null, Boolean, Byte, Short, Integer, Long, Float, Double, BigInteger, "
            + "BigDecimal, String, byte[], List and Map (keys: String, Boolean or a number)";

    public static final PlainDataCodec<Object> ANY = new PlainDataCodec<>(false);
    public static final PlainDataCodec<Map<String, Object>> STRING_MAP = new PlainDataCodec<>(true);

    private final boolean stringMapAtTop;
    /**
     * About the size of recent encodings, so an encoding usually starts with a buffer that fits (one copy at the
     * end, no growing). Written only when it is far off, so threads encoding similar values do not keep taking the
     * cache line from each other; unsynchronized: a stale or lost value only costs a resize.
     */
    private int sizeHint = 256;

    /**
     * Map keys recently decoded, by a hash of their bytes: the same few keys come back in every value (and in every
     * element of a list of maps), so reusing the String saves its allocation and, since a String caches its hash
     * code, the hashing in {@code LinkedHashMap.put}. Shared by threads without synchronization: an entry is
     * immutable (final fields), so a slot read while another thread replaces it is one key or the other, and a hit
     * is always checked byte by byte.
     */
    final PlainDataReader.CachedKey[] keyCache = new PlainDataReader.CachedKey[PlainDataReader.KEY_CACHE_SLOTS];

    private PlainDataCodec(boolean stringMapAtTop) {
        this.stringMapAtTop = stringMapAtTop;
    }

    @Override
    public byte[] encode(T value) {
        int hint = sizeHint;
        PlainDataWriter writer = new PlainDataWriter(this, Math.min(hint + (hint >>> 3), MAX_START_BYTES));
        if (stringMapAtTop) {
            writer.writeStringKeyedMap(value);
        } else {
            writer.writeTop(value);
        }
        byte[] bytes = writer.toByteArray();
        if (bytes.length > hint || bytes.length < hint >>> 1) {
            sizeHint = bytes.length;
        }
        return bytes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T decode(byte[] bytes) {
        PlainDataReader reader = new PlainDataReader(this, bytes);
        return (T) (stringMapAtTop ? reader.readStringKeyedMap() : reader.readTop());
    }

    @Override
    public String toString() {
        return stringMapAtTop ? "Codec.plainDataMap()" : "Codec.plainData()";
    }
}
