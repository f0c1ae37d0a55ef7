package io.fastmmap.internal.codec;

import io.fastmmap.CodecException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one value of {@link Codec#plainData()}, trusting nothing: the bytes come from a file other processes
 * write and that can be damaged. Every length is checked against the bytes that remain before anything is
 * allocated, and the counts of all open lists and maps together must fit in those bytes too ({@link #reserved}),
 * so a forged count can never allocate more than a few times the input size.
 */
final class PlainDataReader {
    private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LITTLE_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final char REPLACEMENT = '\uFFFD';
    private static final String[] TAG_NAMES = {"null", "false", "true", "a Byte", "a Short", "an Integer",
        "a Long", "a Float", "a Double", "a BigInteger", "a BigDecimal", "a String", "a byte[]", "a List", "a Map"};

    private static final int MAX_CACHED_KEY = 32;
    private static final int KEY_CACHE_BITS = 9;
    static final int KEY_CACHE_SLOTS = 1 << KEY_CACHE_BITS;

    /**
     * A map key of {@link PlainDataCodec#keyCache}: the String, the ASCII bytes it was read from, and for keys of up
     * to 16 bytes those bytes as two little-endian longs (the first 8, zero-padded, and the last 8), so that a hit
     * is two compares instead of a byte loop.
     */
    record CachedKey(String string, byte[] bytes, long head, long tail) {
    }

    private final PlainDataCodec<?> codec;
    private final byte[] bytes;
    private int position;
    private int depth;
    /** Bytes that the elements not yet started of the open lists and maps need at least (1 per element). */
    private long reserved;

    PlainDataReader(PlainDataCodec<?> codec, byte[] bytes) {
        this.codec = codec;
        this.bytes = bytes;
    }

    Object readTop() {
        readVersion();
        Object value = read();
        checkEnd();
        return value;
    }

    Map<String, Object> readStringKeyedMap() {
        readVersion();
        need(1);
        if (bytes[position] != PlainDataCodec.MAP) {
            throw error(position, "the stored value is " + tagName(bytes[position]) + ", not a map; read it with "
                    + "Codec.plainData()");
        }
        position++;
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) (Map<?, ?>) readMap(true);
        checkEnd();
        return map;
    }

    private void readVersion() {
        if (bytes.length == 0) {
            throw error(0, "there are no bytes (an empty value has no version byte)");
        }
        if (bytes[0] != PlainDataCodec.VERSION) {
            throw error(0, "format version " + (bytes[0] & 0xFF) + " is unknown (this fastmmap reads version "
                    + PlainDataCodec.VERSION + "); the entry was written by a newer fastmmap or another codec");
        }
        position = 1;
    }

    private void checkEnd() {
        if (position != bytes.length) {
            throw error(position, (bytes.length - position) + " bytes follow the end of the value");
        }
    }

    private Object read() {
        need(1);
        int at = position;
        byte tag = bytes[position++];
        switch (tag) {
            case PlainDataCodec.NULL:
                return null;
            case PlainDataCodec.FALSE:
                return Boolean.FALSE;
            case PlainDataCodec.TRUE:
                return Boolean.TRUE;
            case PlainDataCodec.BYTE:
                need(1);
                return bytes[position++];
            case PlainDataCodec.SHORT:
                int value = unzigzag(readVarint32());
                if (value != (short) value) {
                    throw error(at, "a Short of value " + value + " is out of range");
                }
                return (short) value;
            case PlainDataCodec.INT:
                return unzigzag(readVarint32());
            case PlainDataCodec.LONG:
                return unzigzag(readVarint64());
            case PlainDataCodec.FLOAT:
                need(4);
                position += 4;
                return Float.intBitsToFloat((int) INT_BIG_ENDIAN.get(bytes, position - 4));
            case PlainDataCodec.DOUBLE:
                need(8);
                position += 8;
                return Double.longBitsToDouble((long) LONG_BIG_ENDIAN.get(bytes, position - 8));
            case PlainDataCodec.BIG_INTEGER:
                return readBigInteger(at);
            case PlainDataCodec.BIG_DECIMAL:
                int scale = unzigzag(readVarint32());
                return new BigDecimal(readBigInteger(at), scale);
            case PlainDataCodec.STRING:
                return readString();
            case PlainDataCodec.BYTES:
                int length = readLength();
                position += length;
                return Arrays.copyOfRange(bytes, position - length, position);
            case PlainDataCodec.LIST:
                return readList();
            case PlainDataCodec.MAP:
                return readMap(false);
            default:
                throw error(at, "tag " + (tag & 0xFF) + " is not a type of this format (0 to "
                        + PlainDataCodec.LAST_TAG + ")");
        }
    }

    private List<Object> readList() {
        int count = readCount(1);
        enter();
        List<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            reserved--;
            list.add(read());
        }
        depth--;
        return list;
    }

    private Map<Object, Object> readMap(boolean stringKeys) {
        int count = readCount(2);
        enter();
        Map<Object, Object> map = new LinkedHashMap<>(count + (count + 2) / 3); // HashMap's load factor .75
        for (int i = 0; i < count; i++) {
            reserved -= 2;
            int at = position;
            need(1);
            byte tag = bytes[position];
            if (stringKeys ? tag != PlainDataCodec.STRING
                    : tag == PlainDataCodec.NULL || tag >= PlainDataCodec.BYTES && tag <= PlainDataCodec.MAP) {
                throw error(at, "a map key is " + tagName(tag) + "; keys are "
                        + (stringKeys ? "Strings in Codec.plainDataMap()" : "Strings, Booleans or numbers"));
            }
            Object key = tag == PlainDataCodec.STRING ? readKey() : read();
            map.put(key, read());
            if (map.size() == i) {
                throw error(at, "the map has the key " + preview(key) + " twice");
            }
        }
        depth--;
        return map;
    }

    private void enter() {
        if (++depth > PlainDataCodec.MAX_DEPTH) {
            throw error(position, "lists and maps are nested more than " + PlainDataCodec.MAX_DEPTH + " deep");
        }
    }

    /** A count of elements each at least {@code bytesEach} long, which must fit beside what is already reserved. */
    private int readCount(int bytesEach) {
        int at = position;
        int count = readVarint32();
        long needed = (long) count * bytesEach;
        if (count < 0 || needed > bytes.length - position - reserved) {
            throw error(at, "a count of " + Integer.toUnsignedString(count) + " elements cannot fit in the "
                    + Math.max(0, bytes.length - position - reserved) + " bytes left for it");
        }
        reserved += needed;
        return count;
    }

    private int readLength() {
        int at = position;
        int length = readVarint32();
        if (length < 0 || length > bytes.length - position - reserved) {
            throw error(at, "a length of " + Integer.toUnsignedString(length) + " bytes, but only "
                    + Math.max(0, bytes.length - position - reserved) + " bytes are left for it");
        }
        return length;
    }

    private BigInteger readBigInteger(int at) {
        int length = readLength();
        if (length == 0) {
            throw error(at, "a number with no digits (length 0)");
        }
        position += length;
        return new BigInteger(bytes, position - length, length);
    }

    // ---------------------------------------------------------------- strings

    private String readString() {
        int length = readLength();
        return readStringAt(position, length);
    }

    private String readStringAt(int start, int length) {
        // US-ASCII turns each byte above 0x7F into U+FFFD, so a result without one was all ASCII, which is also its
        // exact UTF-8 reading. The JDK checks the bytes with an intrinsic and copies them into a Latin-1 String;
        // indexOf of a char above 0xFF returns at once on such a String. Anything else is decoded strictly.
        String ascii = new String(bytes, start, length, StandardCharsets.US_ASCII);
        if (ascii.indexOf(REPLACEMENT) >= 0) {
            return readUtf8(start, start + length);
        }
        position = start + length;
        return ascii;
    }

    /**
     * A String map key, from {@link PlainDataCodec#keyCache} when it is a short ASCII key seen before. The slot
     * comes from the length and three of the bytes (no loop over the key), two slots are tried, and a hit is one
     * bulk comparison of the bytes: a miss, collision or not, only costs a new String.
     */
    private String readKey() {
        position++; // the tag
        int length = readLength();
        int start = position;
        if (length > MAX_CACHED_KEY || length == 0) {
            return readStringAt(start, length);
        }
        int end = start + length;
        long head = head(start, length);
        long tail = length > Long.BYTES ? (long) LONG_LITTLE_ENDIAN.get(bytes, end - Long.BYTES) : 0;
        long mixed = (head ^ Long.rotateLeft(tail, 29) ^ length) * 0x9E3779B97F4A7C15L;
        int slot = (int) (mixed >>> Long.SIZE - KEY_CACHE_BITS); // Fibonacci hashing: the top bits
        CachedKey[] cache = codec.keyCache;
        CachedKey first = cache[slot];
        if (first != null && matches(first, head, tail, start, end)) {
            position = end;
            return first.string;
        }
        CachedKey second = cache[slot ^ 1];
        if (second != null && matches(second, head, tail, start, end)) {
            position = end;
            return second.string;
        }
        String key = readStringAt(start, length);
        if (key.length() == length) { // ASCII (UTF-8 of anything else is longer than its chars)
            cache[first == null || second != null ? slot : slot ^ 1] = new CachedKey(key,
                    Arrays.copyOfRange(bytes, start, end), head, tail);
        }
        return key;
    }

    /** The first 8 bytes of a key, or all of a shorter one, little-endian, zero-padded. */
    private long head(int start, int length) {
        if (start + Long.BYTES <= bytes.length) {
            return (long) LONG_LITTLE_ENDIAN.get(bytes, start) & (length >= Long.BYTES ? -1L : (1L << 8 * length) - 1);
        }
        long head = 0; // a short key near the end of a small value: fewer than 8 bytes are left to read
        for (int i = length - 1; i >= 0; i--) {
            head = head << 8 | bytes[start + i] & 0xFF;
        }
        return head;
    }

    /** Up to 16 bytes, head and tail cover every byte; longer keys are compared in bulk. */
    private boolean matches(CachedKey cached, long head, long tail, int start, int end) {
        int length = end - start;
        return cached.head == head && cached.tail == tail && cached.bytes.length == length
                && (length <= 2 * Long.BYTES || Arrays.equals(cached.bytes, 0, length, bytes, start, end));
    }

    /** Strict UTF-8: overlong forms, surrogates and code points above U+10FFFF are errors, not replaced. */
    private String readUtf8(int start, int end) {
        char[] chars = new char[end - start];
        int count = 0;
        int i = start;
        while (i < end) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                chars[count++] = (char) lead;
                i++;
                continue;
            }
            int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
            if (extra == 0 || lead > 0xF4) {
                throw badUtf8(i, start, "byte 0x" + Integer.toHexString(lead) + " cannot start a character");
            }
            if (extra > end - i - 1) {
                throw badUtf8(i, start, "the last character is cut short");
            }
            int codePoint = lead & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int next = bytes[i + k];
                if ((next & 0xC0) != 0x80) {
                    throw badUtf8(i + k, start, "a character's continuation byte is missing");
                }
                codePoint = codePoint << 6 | next & 0x3F;
            }
            int smallest = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
            if (codePoint < smallest || codePoint > Character.MAX_CODE_POINT
                    || codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
                throw badUtf8(i, start, "U+" + Integer.toHexString(codePoint).toUpperCase(java.util.Locale.ROOT)
                        + (codePoint < smallest ? " is encoded overlong" : " is not a character"));
            }
            count += Character.toChars(codePoint, chars, count);
            i += 1 + extra;
        }
        position = end;
        return new String(chars, 0, count);
    }

    private CodecException badUtf8(int at, int start, String what) {
        return error(at, "invalid UTF-8 in the String starting at byte " + start + ": " + what);
    }

    // ---------------------------------------------------------------- varints

    private int readVarint32() {
        if (position < bytes.length && bytes[position] >= 0) { // one byte: most lengths and counts
            return bytes[position++];
        }
        return (int) readVarint(32);
    }

    private long readVarint64() {
        return readVarint(64);
    }

    /** Unsigned LEB128 of at most {@code bits} bits, in as few bytes as it takes (no overlong form). */
    private long readVarint(int bits) {
        int at = position;
        int lastShift = (bits - 1) / 7 * 7;
        long value = 0;
        for (int shift = 0; shift <= lastShift; shift += 7) {
            need(1);
            int b = bytes[position++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                if (b == 0 && shift > 0) {
                    throw error(at, "a varint is overlong");
                }
                if (shift == lastShift && b >> bits - lastShift != 0) {
                    throw error(at, "a varint is larger than " + bits + " bits");
                }
                return value;
            }
        }
        throw error(at, "a varint is longer than " + (lastShift / 7 + 1) + " bytes");
    }

    private static int unzigzag(int value) {
        return value >>> 1 ^ -(value & 1);
    }

    private static long unzigzag(long value) {
        return value >>> 1 ^ -(value & 1);
    }

    // ---------------------------------------------------------------- errors

    private void need(int count) {
        if (count > bytes.length - position) {
            throw error(position, "the value is cut short: " + count + " more bytes needed, "
                    + (bytes.length - position) + " left");
        }
    }

    private static String tagName(byte tag) {
        return tag >= 0 && tag < TAG_NAMES.length ? TAG_NAMES[tag] : "tag " + (tag & 0xFF);
    }

    /** Short, and cheap: the bytes may hold a megabyte-long number, whose toString alone would take seconds. */
    private static String preview(Object value) {
        if (value instanceof BigInteger number && number.bitLength() > 128) {
            return "(a BigInteger of " + number.bitLength() + " bits)";
        }
        if (value instanceof BigDecimal number && number.unscaledValue().bitLength() > 128) {
            return "(a BigDecimal of " + number.unscaledValue().bitLength() + " bits)";
        }
        String text = String.valueOf(value);
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private CodecException error(int at, String what) {
        return new CodecException(codec + ": byte " + at + " of " + bytes.length + ": " + what + "; these bytes were "
                + "not written by Codec.plainData() or are damaged: remove the entry, it cannot be read");
    }
}
