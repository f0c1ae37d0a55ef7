package io.fastmmap.codecs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ASCII object names {@link JsonTreeReader} has read before, so that the same few dozen attribute names of
 * every session read are the same Strings instead of new ones (Jackson's own name table does the same). The idea
 * is the one of {@code Codec.plainDataMap()}'s key cache: a slot from the name's length and its first and last 8
 * bytes as little-endian longs (no loop over the name), two slots tried, and a hit is two long compares for names
 * of up to 16 bytes. Threads share it without locks: an entry is immutable and published through its final fields,
 * and a lost write only costs a later miss.
 */
final class JsonKeyCache {
    private static final VarHandle LONG_LITTLE_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** Longer names are rare as attribute names, and the compare would be a byte loop. */
    private static final int MAX_CACHED_BYTES = 32;
    private static final int SLOT_BITS = 9;

    /** A name, its bytes, and its first and last 8 bytes ({@link #head}, {@link #tail}) for the quick compare. */
    private record Entry(String name, byte[] bytes, long head, long tail) {
        boolean matches(long otherHead, long otherTail, byte[] document, int start, int end) {
            int length = end - start;
            return head == otherHead && tail == otherTail && bytes.length == length
                    && (length <= 2 * Long.BYTES || Arrays.equals(bytes, 0, length, document, start, end));
        }
    }

    private final Entry[] entries = new Entry[1 << SLOT_BITS];

    /**
     * @param bytes the document, in which {@code start} to {@code end} are ASCII without escapes
     * @return the name those bytes spell
     */
    String name(byte[] bytes, int start, int end) {
        int length = end - start;
        if (length == 0) {
            return "";
        }
        if (length > MAX_CACHED_BYTES || start + Long.BYTES > bytes.length) {
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
        long head = (long) LONG_LITTLE_ENDIAN.get(bytes, start);
        if (length < Long.BYTES) {
            head &= -1L >>> Long.SIZE - Byte.SIZE * length; // only the name's own bytes
        }
        // Up to 16 bytes, head and tail cover the whole name; up to 8, the length stands in for the tail.
        long tail = length > Long.BYTES ? (long) LONG_LITTLE_ENDIAN.get(bytes, end - Long.BYTES) : length;
        long mixed = (head ^ Long.rotateLeft(tail, 23)) * 0x9E3779B97F4A7C15L;
        int slot = (int) (mixed >>> Long.SIZE - SLOT_BITS); // Fibonacci hashing: the top bits are the mixed ones
        Entry first = entries[slot];
        if (first != null && first.matches(head, tail, bytes, start, end)) {
            return first.name;
        }
        Entry second = entries[slot ^ 1];
        if (second != null && second.matches(head, tail, bytes, start, end)) {
            return second.name;
        }
        String name = new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        entries[first == null || second != null ? slot : slot ^ 1] = new Entry(name,
                Arrays.copyOfRange(bytes, start, end), head, tail);
        return name;
    }
}
