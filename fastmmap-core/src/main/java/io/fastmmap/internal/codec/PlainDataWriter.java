package io.fastmmap.internal.codec;

import static io.fastmmap.internal.codec.PlainDataCodec.MAX_DEPTH;

import io.fastmmap.CodecException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Encodes one value of {@link Codec#plainData()}. Single use, one thread. Keeps the containers being written and
 * the key or index being written in each, which is both the cycle check and the path an error names
 * ({@code cart[3].unitPrice}); nothing is formatted unless there is an error.
 */
final class PlainDataWriter {
    private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.BIG_ENDIAN);
    private static final int PATH_CHARS = 300;

    private final PlainDataCodec<?> codec;
    private byte[] buffer;
    private int position;
    private Object[] open = new Object[8];
    private Object[] keys = new Object[8]; // when open[level] is a map
    private int[] indexes = new int[8]; // when open[level] is a list
    private char[] chars = new char[64]; // the string being written
    private int depth;

    PlainDataWriter(PlainDataCodec<?> codec, int capacity) {
        this.codec = codec;
        this.buffer = new byte[Math.max(capacity, 16)];
    }

    void writeTop(Object value) {
        buffer[position++] = PlainDataCodec.VERSION;
        write(value);
    }

    void writeStringKeyedMap(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new CodecException(codec + " encodes a Map with String keys, not a " + typeName(value)
                    + ": use Codec.plainData() for other values");
        }
        buffer[position++] = PlainDataCodec.VERSION;
        writeMap(map, true);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, position);
    }

    // Most frequent types first; the final classes are a single pointer compare each.
    private void write(Object value) {
        if (value instanceof String string) {
            writeString(string);
        } else if (value instanceof Integer number) {
            writeTagged(PlainDataCodec.INT, zigzag(number));
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map, false);
        } else if (value instanceof List<?> list) {
            writeList(list);
        } else if (value instanceof Long number) {
            ensure(11);
            buffer[position++] = PlainDataCodec.LONG;
            writeVarint(zigzag(number));
        } else if (value instanceof Boolean bool) {
            ensure(1);
            buffer[position++] = bool ? PlainDataCodec.TRUE : PlainDataCodec.FALSE;
        } else if (value instanceof Double number) {
            ensure(9);
            buffer[position++] = PlainDataCodec.DOUBLE;
            LONG_BIG_ENDIAN.set(buffer, position, Double.doubleToLongBits(number));
            position += 8;
        } else if (value == null) {
            ensure(1);
            buffer[position++] = PlainDataCodec.NULL;
        } else if (value instanceof byte[] bytes) {
            writeBytes(PlainDataCodec.BYTES, bytes);
        } else {
            writeRare(value);
        }
    }

    private void writeRare(Object value) {
        if (value instanceof Short number) {
            writeTagged(PlainDataCodec.SHORT, zigzag(number));
        } else if (value instanceof Byte number) {
            ensure(2);
            buffer[position++] = PlainDataCodec.BYTE;
            buffer[position++] = number;
        } else if (value instanceof Float number) {
            ensure(5);
            buffer[position++] = PlainDataCodec.FLOAT;
            INT_BIG_ENDIAN.set(buffer, position, Float.floatToIntBits(number));
            position += 4;
        } else if (value instanceof BigInteger number) {
            writeBytes(PlainDataCodec.BIG_INTEGER, number.toByteArray());
        } else if (value instanceof BigDecimal number) {
            writeTagged(PlainDataCodec.BIG_DECIMAL, zigzag(number.scale()));
            byte[] unscaled = number.unscaledValue().toByteArray();
            ensure(5L + unscaled.length);
            writeVarint(unscaled.length);
            System.arraycopy(unscaled, 0, buffer, position, unscaled.length);
            position += unscaled.length;
        } else {
            throw unsupported(value);
        }
    }

    private void writeList(List<?> list) {
        int level = enter(list);
        int size = list.size();
        writeTagged(PlainDataCodec.LIST, size);
        if (list instanceof RandomAccess) {
            for (int i = 0; i < size; i++) {
                indexes[level] = i;
                write(list.get(i));
            }
        } else {
            int i = 0;
            for (Object element : list) {
                if (i == size) {
                    throw changedSize(level);
                }
                indexes[level] = i++;
                write(element);
            }
            if (i != size) {
                throw changedSize(level);
            }
        }
        depth = level;
    }

    private void writeMap(Map<?, ?> map, boolean stringKeys) {
        int level = enter(map);
        int size = map.size();
        writeTagged(PlainDataCodec.MAP, size);
        int written = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (written == size) {
                throw changedSize(level);
            }
            Object key = entry.getKey();
            keys[level] = key;
            if (key instanceof String string) {
                writeString(string);
            } else if (stringKeys || !isScalarKey(key)) {
                throw badKey(key, stringKeys);
            } else {
                write(key);
            }
            write(entry.getValue());
            written++;
        }
        if (written != size) {
            throw changedSize(level);
        }
        depth = level;
    }

    private static boolean isScalarKey(Object key) {
        return key instanceof Integer || key instanceof Long || key instanceof Boolean || key instanceof Double
                || key instanceof Short || key instanceof Byte || key instanceof Float || key instanceof BigInteger
                || key instanceof BigDecimal;
    }

    /** The count is written first, so a collection another thread changes meanwhile must not be half written. */
    private CodecException changedSize(int level) {
        return new CodecException(codec + ": the " + typeName(open[level]) + " at " + path(level)
                + " changed size while it was being encoded; encode a copy, or stop other threads changing it");
    }

    private int enter(Object container) {
        int level = depth;
        for (int i = 0; i < level; i++) {
            if (open[i] == container) {
                throw new CodecException(codec + " cannot encode the " + typeName(container) + " at "
                        + path(level) + ": it is the one at " + path(i) + " again (a cycle); plain data is a tree: "
                        + "break the cycle, or use Codec.javaSerialization, which keeps shared references");
            }
        }
        if (level == MAX_DEPTH) {
            throw new CodecException(codec + " cannot encode the " + typeName(container) + " at " + path(level)
                    + ": containers are nested more than " + MAX_DEPTH + " deep; flatten the structure");
        }
        if (level == open.length) {
            open = Arrays.copyOf(open, level * 2);
            keys = Arrays.copyOf(keys, level * 2);
            indexes = Arrays.copyOf(indexes, level * 2);
        }
        open[level] = container;
        depth = level + 1;
        return level;
    }

    // ---------------------------------------------------------------- strings

    private void writeString(String string) {
        int length = string.length();
        ensure(6L + length);
        buffer[position++] = PlainDataCodec.STRING;
        int lengthAt = position;
        writeVarint(length); // right when the string is ASCII, the usual case
        int start = position;
        // A bulk copy to a char[] and a plain array loop: much faster than charAt (a bounds and coder check each).
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        char[] in = chars;
        string.getChars(0, length, in, 0);
        byte[] out = buffer;
        int i = 0;
        for (; i < length; i++) {
            char c = in[i];
            if (c >= 0x80) {
                break;
            }
            out[start + i] = (byte) c;
        }
        position = start + i;
        if (i < length) {
            writeNonAscii(string, i, lengthAt, start);
        }
    }

    /** Rewrites the length prefix of a string found not to be ASCII at {@code from}, then encodes the rest. */
    private void writeNonAscii(String string, int from, int lengthAt, int start) {
        long utf8Bytes = from + utf8Length(string, from);
        if (utf8Bytes > Integer.MAX_VALUE) {
            throw tooLarge();
        }
        int byteCount = (int) utf8Bytes;
        int shift = varintSize(byteCount) - (start - lengthAt);
        ensure((long) shift + byteCount - from);
        System.arraycopy(buffer, start, buffer, start + shift, from);
        position = lengthAt;
        writeVarint(byteCount);
        position = start + shift + from;
        byte[] out = buffer;
        int at = position;
        for (int i = from; i < string.length(); i++) {
            char c = string.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c)) {
                int codePoint = Character.toCodePoint(c, string.charAt(++i));
                out[at++] = (byte) (0xF0 | codePoint >> 18);
                out[at++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
                out[at++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | codePoint & 0x3F);
            } else {
                out[at++] = (byte) (0xE0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        position = at;
    }

    /** UTF-8 bytes of {@code string} from {@code from}; refuses lone surrogates, as {@link Codec#utf8()} does. */
    private long utf8Length(String string, int from) {
        long count = 0;
        for (int i = from; i < string.length(); i++) {
            char c = string.charAt(i);
            if (c < 0x80) {
                count++;
            } else if (c < 0x800) {
                count += 2;
            } else if (!Character.isSurrogate(c)) {
                count += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < string.length()
                    && Character.isLowSurrogate(string.charAt(i + 1))) {
                count += 4;
                i++;
            } else {
                throw new CodecException(codec + ": the String at " + path(depth) + " has a lone surrogate U+"
                        + String.format("%04X", (int) c) + " at index " + i + ", which UTF-8 cannot encode; it is "
                        + "rejected rather than replaced by '?': fix the string, or store it as a byte[]");
            }
        }
        return count;
    }

    // ---------------------------------------------------------------- primitives

    private void writeBytes(byte tag, byte[] bytes) {
        ensure(6L + bytes.length);
        buffer[position++] = tag;
        writeVarint(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void writeTagged(byte tag, int unsigned) {
        ensure(6);
        buffer[position++] = tag;
        writeVarint(unsigned);
    }

    private void writeVarint(int unsigned) {
        int value = unsigned;
        while ((value & ~0x7F) != 0) {
            buffer[position++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
    }

    private void writeVarint(long unsigned) {
        long value = unsigned;
        while ((value & ~0x7FL) != 0) {
            buffer[position++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
    }

    private static int varintSize(int unsigned) {
        return (31 - Integer.numberOfLeadingZeros(unsigned | 1)) / 7 + 1;
    }

    private static int zigzag(int value) {
        return value << 1 ^ value >> 31;
    }

    private static long zigzag(long value) {
        return value << 1 ^ value >> 63;
    }

    private void ensure(long more) {
        if (more > buffer.length - position) {
            long needed = position + more;
            if (needed > Integer.MAX_VALUE - 8) {
                throw tooLarge();
            }
            buffer = Arrays.copyOf(buffer, (int) Math.min(Math.max((long) buffer.length * 2, needed),
                    Integer.MAX_VALUE - 8));
        }
    }

    private CodecException tooLarge() {
        return new CodecException(codec + ": the value at " + path(depth) + " makes the encoding larger than a "
                + "Java array can hold (2 GiB); a cache entry must be far smaller anyway");
    }

    // ---------------------------------------------------------------- errors

    private CodecException unsupported(Object value) {
        String advice = value instanceof Collection<?> ? "store it as a List"
                : value instanceof Enum<?> ? "store its name()"
                : value instanceof Character ? "store it as a String"
                : value.getClass().isArray() ? "store it as a List (or a byte[])"
                : "convert it (a date to epoch millis or ISO text, an object to a Map of its fields)";
        return new CodecException(codec + " cannot encode a " + typeName(value) + " at " + path(depth)
                + ": it stores only " + PlainDataCodec.SUPPORTED + "; " + advice + ", or use Codec.javaSerialization "
                + "or fastmmap-codecs' JsonCodec for your own types");
    }

    private CodecException badKey(Object key, boolean stringKeys) {
        return new CodecException(codec + " cannot encode the map at " + path(depth - 1) + ": it has a "
                + (key == null ? "null key" : "key of type " + typeName(key) + " (" + preview(key) + ")")
                + (stringKeys ? "; the top-level map of Codec.plainDataMap() has String keys: use Codec.plainData()"
                        : "; map keys are Strings, Booleans or numbers: convert the key"));
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static String preview(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** The path of the element being written at {@code levels} levels deep: {@code cart[3].unitPrice}. */
    private String path(int levels) {
        if (levels == 0) {
            return "the top";
        }
        StringBuilder path = new StringBuilder();
        for (int level = 0; level < levels && path.length() < PATH_CHARS; level++) {
            if (open[level] instanceof List<?>) {
                path.append('[').append(indexes[level]).append(']');
            } else if (keys[level] instanceof String key && isIdentifier(key)) {
                path.append(level == 0 ? "" : ".").append(key);
            } else if (keys[level] instanceof String key) {
                path.append("[\"").append(preview(key)).append("\"]");
            } else {
                path.append('[').append(typeName(keys[level])).append(' ').append(preview(keys[level])).append(']');
            }
        }
        return path.length() < PATH_CHARS ? path.toString() : path.substring(0, PATH_CHARS) + "...";
    }

    private static boolean isIdentifier(String key) {
        if (key.isEmpty() || !Character.isJavaIdentifierStart(key.charAt(0))) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            if (!Character.isJavaIdentifierPart(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
