package io.fastmmap.internal;

import io.fastmmap.CacheCorruptedException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The one owner of the mapped cache file: every read, write and compare-and-set on shared memory goes through
 * this class, and every access is bounds-checked against the file before it touches memory.
 *
 * <p>Java 22+ build: one {@link MemorySegment} over the whole file (no 2 GiB limit), unmapped at once by
 * {@link #close()}. The arena is shared and lives as long as the cache, since closing a shared arena makes
 * every thread of the JVM pass a handshake. The Java 17 build of this class has the same methods; its class
 * comment states the ordering rule both follow: every release store has its acquire load.
 */
public final class SharedMemory implements AutoCloseable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_UNALIGNED =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_UNALIGNED =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_HANDLE = LONG.varHandle();
    private static final VarHandle INT_HANDLE = INT.varHandle();
    private static final VarHandle ARRAY_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment segment;
    private final long byteCount;

    /**
     * Compare-and-set calls made on scratch memory when this class loads; see {@link #compileCompareAndSet}.
     */
    static final int WARM_UP_CALLS = Integer.getInteger("fastmmap.casWarmUpCalls", 20_000);

    static {
        compileCompareAndSet();
    }

    private SharedMemory(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
        this.byteCount = segment.byteSize();
    }

    /**
     * Maps {@code byteCount} bytes of {@code channel} read-write and shared. The mapping outlives the channel.
     *
     * @param maxAccessBytes the longest single access that will ever be made (unused here: no chunks)
     */
    public static SharedMemory map(FileChannel channel, long byteCount, int maxAccessBytes) throws IOException {
        return map(channel, byteCount, FileChannel.MapMode.READ_WRITE);
    }

    /** Maps read-only, for readers without write permission; any write through it fails. */
    public static SharedMemory mapReadOnly(FileChannel channel, long byteCount, int maxAccessBytes)
            throws IOException {
        return map(channel, byteCount, FileChannel.MapMode.READ_ONLY);
    }

    private static SharedMemory map(FileChannel channel, long byteCount, FileChannel.MapMode mode)
            throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new SharedMemory(arena, channel.map(mode, 0, byteCount, arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** @return the mapped length */
    public long byteCount() {
        return byteCount;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > byteCount - length) {
            throw new CacheCorruptedException("access of " + length + " bytes at offset " + offset
                    + " lies outside the mapped file of " + byteCount + " bytes");
        }
    }

    private void checkAligned(long offset, int width) {
        check(offset, width);
        if ((offset & (width - 1)) != 0) {
            throw new IllegalArgumentException("unaligned atomic access at offset " + offset);
        }
    }

    public long getLong(long offset) {
        check(offset, 8);
        return segment.get(LONG_UNALIGNED, offset);
    }

    public void putLong(long offset, long value) {
        check(offset, 8);
        segment.set(LONG_UNALIGNED, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public long getLongVolatile(long offset) {
        checkAligned(offset, 8);
        return (long) LONG_HANDLE.getVolatile(segment, offset);
    }

    public void putLongVolatile(long offset, long value) {
        checkAligned(offset, 8);
        LONG_HANDLE.setVolatile(segment, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void putLongRelease(long offset, long value) {
        checkAligned(offset, 8);
        LONG_HANDLE.setRelease(segment, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public boolean compareAndSetLong(long offset, long expected, long value) {
        checkAligned(offset, 8);
        boolean swapped = LONG_HANDLE.compareAndSet(segment, offset, expected, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
        return swapped;
    }

    /**
     * Gets the compare-and-set compiled before the first cache file is mapped, as on Java 17 (see that build's
     * comment): the segment var handle's compare-and-set ends in {@code Unsafe_CompareAndSetLong}, which guards its
     * access only when the JIT has compiled the caller; called from the interpreter on a file another program had
     * just truncated, it killed a JDK 25 JVM with SIGBUS (HostileFileTest, "JDK25, empty": the file cut to 0 bytes
     * while the code is still cold). The same limits hold: {@code -Xint}, and code the JIT deoptimizes.
     */
    private static void compileCompareAndSet() {
        // Through the var handle itself, not compareAndSetLong: CrashPoints must not count these as stores.
        MemorySegment scratch = Arena.ofAuto().allocate(LONG);
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            boolean swapped = LONG_HANDLE.compareAndSet(scratch, 0L, (long) i, i + 1L);
            assert swapped;
        }
    }

    public int getInt(long offset) {
        check(offset, 4);
        return segment.get(INT_UNALIGNED, offset);
    }

    public void putInt(long offset, int value) {
        check(offset, 4);
        segment.set(INT_UNALIGNED, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public int getIntVolatile(long offset) {
        checkAligned(offset, 4);
        return (int) INT_HANDLE.getVolatile(segment, offset);
    }

    public void putIntVolatile(long offset, int value) {
        checkAligned(offset, 4);
        INT_HANDLE.setVolatile(segment, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void putIntRelease(long offset, int value) {
        checkAligned(offset, 4);
        INT_HANDLE.setRelease(segment, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    /** @return the unsigned 16-bit value at {@code offset} */
    public int getShort(long offset) {
        check(offset, 2);
        return Short.toUnsignedInt(segment.get(SHORT_UNALIGNED, offset));
    }

    public void putShort(long offset, int value) {
        check(offset, 2);
        segment.set(SHORT_UNALIGNED, offset, (short) value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public byte getByte(long offset) {
        check(offset, 1);
        return segment.get(ValueLayout.JAVA_BYTE, offset);
    }

    public void putByte(long offset, byte value) {
        check(offset, 1);
        segment.set(ValueLayout.JAVA_BYTE, offset, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void copyToArray(long offset, byte[] target, int targetIndex, int length) {
        check(offset, length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, target, targetIndex, length);
    }

    public void copyFromArray(byte[] source, int sourceIndex, long offset, int length) {
        check(offset, length);
        MemorySegment.copy(source, sourceIndex, segment, ValueLayout.JAVA_BYTE, offset, length);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    /** Copies between two regions that do not overlap. */
    public void copy(long sourceOffset, long targetOffset, int length) {
        check(sourceOffset, length);
        check(targetOffset, length);
        MemorySegment.copy(segment, sourceOffset, segment, targetOffset, length);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void zero(long offset, long length) {
        check(offset, length);
        segment.asSlice(offset, length).fill((byte) 0);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    /**
     * @return true when the {@code key.length} bytes at {@code offset} equal {@code key}. Compared eight bytes at a
     *     time through a view of the array, not with {@code MemorySegment.mismatch} on {@code MemorySegment.ofArray}:
     *     that wraps the key in a heap segment and its session (72 bytes), which C2 removes only when it inlines all
     *     of {@code mismatch}; in some JIT runs it did not, and every lookup allocated 72 bytes.
     */
    public boolean equalsArray(long offset, byte[] key) {
        int length = key.length;
        check(offset, length);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (segment.get(LONG_UNALIGNED, offset + i) != (long) ARRAY_LONG.get(key, i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, offset + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** Writes dirty pages to the file (msync). Not needed for sharing between processes. */
    public void force() {
        segment.force();
    }

    /** Unmaps the file now. No thread may use this object afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
