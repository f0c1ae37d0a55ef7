package io.fastmmap.perl;

import io.fastmmap.CacheCorruptedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The one owner of a Perl page's bytes: every read and write of the mapped file goes through here, and every offset
 * and length is checked against the page before use, so a damaged file (or a bug) raises
 * {@link CacheCorruptedException} instead of reading another page or past the mapping.
 *
 * <p>Integers are host-endian u32s as Cache::FastMmap's C code stores them; they are returned as {@code long} so
 * that nothing above has to think about sign. Two header fields that 1.57 checks against each other are written
 * together with one aligned 8-byte store ({@link #putPair}), so a process killed between two stores cannot leave a
 * header that makes Perl croak and keep the page locked. Single u32s and pairs are release stores, so the file sees
 * this thread's stores in program order (what a process killed at any instant leaves must be one of the states the
 * code steps through).
 *
 * <p>{@link #storeObserver} is a test seam: it sees the page after every single store, i.e. every state a process
 * killed at that instant leaves in the file.
 */
final class PageMemory {

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ORDER);
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ORDER);
    private static final VarHandle ARRAY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ORDER);

    /** Tests only: called after each store (a bulk copy counts as one), with the page as it now is. */
    static Consumer<PageMemory> storeObserver;

    private final ByteBuffer page;
    private final int size;
    private final Path file;
    private final int pageIndex;

    PageMemory(ByteBuffer page, Path file, int pageIndex) {
        this.page = page.order(ORDER);
        this.size = page.capacity();
        this.file = file;
        this.pageIndex = pageIndex;
    }

    int size() {
        return size;
    }

    Path file() {
        return file;
    }

    long u32(int offset) {
        check(offset, 4);
        return Integer.toUnsignedLong(page.getInt(offset));
    }

    /** A release store: the JIT may not move an earlier store of this thread after it (x86-64: a plain mov). */
    void putU32(int offset, long value) {
        check(offset, 4);
        INTS.setRelease(page, offset, (int) value);
        stored();
    }

    /**
     * Writes two adjacent u32s (the lower offset first in the file) with one aligned 8-byte store: a release access,
     * which the JVM must perform as one atomic store (a plain one may be split) after every earlier store of this
     * thread, and which costs a plain {@code mov} on x86-64 (its stores reach memory in program order).
     */
    void putPair(int offset, long first, long second) {
        check(offset, 8);
        if ((offset & 7) != 0) {
            throw new IllegalArgumentException("an atomic pair store needs an 8-byte aligned offset, not " + offset);
        }
        LONGS.setRelease(page, offset, word(first, second));
        stored();
    }

    /**
     * Writes a record's six header u32s (4-byte aligned, so no atomicity is promised) as one store for the crash
     * points: a record is written where no slot points yet.
     */
    void putRecordHeader(int offset, long lastAccess, long expireOn, long slotHash, long flags, long keyLength,
            long valueLength) {
        check(offset, 24);
        LONGS.set(page, offset, word(lastAccess, expireOn));
        LONGS.set(page, offset + 8, word(slotHash, flags));
        LONGS.set(page, offset + 16, word(keyLength, valueLength));
        stored();
    }

    private static long word(long first, long second) {
        return ORDER == ByteOrder.LITTLE_ENDIAN
                ? (first & 0xFFFFFFFFL) | (second << 32)
                : (second & 0xFFFFFFFFL) | (first << 32);
    }

    byte[] bytes(int offset, int length) {
        check(offset, length);
        byte[] out = new byte[length];
        page.get(offset, out);
        return out;
    }

    void putBytes(int offset, byte[] bytes) {
        check(offset, bytes.length);
        page.put(offset, bytes);
        stored();
    }

    void fill(int offset, int length, byte value) {
        check(offset, length);
        for (int i = 0; i < length; i++) {
            page.put(offset + i, value);
        }
        stored();
    }

    /** Copies {@code length} bytes at {@code offset} into {@code target} at {@code targetOffset}. */
    void copyTo(int offset, byte[] target, int targetOffset, int length) {
        check(offset, length);
        page.get(offset, target, targetOffset, length);
    }

    /** Compares 8 bytes at a time: a key is compared on every lookup, while holding the page lock. */
    boolean equalsAt(int offset, byte[] bytes) {
        check(offset, bytes.length);
        int i = 0;
        for (; i + 8 <= bytes.length; i += 8) {
            if ((long) LONGS.get(page, offset + i) != (long) ARRAY_LONGS.get(bytes, i)) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (page.get(offset + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return a copy of the whole page (tests) */
    byte[] snapshot() {
        return bytes(0, size);
    }

    private void stored() {
        Consumer<PageMemory> observer = storeObserver;
        if (observer != null) {
            observer.accept(this);
        }
    }

    private void check(int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > size) {
            throw new CacheCorruptedException(file + ": page " + pageIndex + ": an access to " + length
                    + " bytes at offset " + offset + " lies outside the " + size + "-byte page (a damaged record or "
                    + "slot); nothing was read or written there. Re-initialise the damaged pages with Perl's "
                    + "test_file => 1, or delete the file when no process has it open.");
        }
    }
}
