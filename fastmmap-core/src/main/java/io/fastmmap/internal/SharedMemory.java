package io.fastmmap.internal;

import io.fastmmap.CacheCorruptedException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The one owner of the mapped cache file: every read, write and compare-and-set on shared memory goes through
 * this class, and every access is bounds-checked against the file before it touches memory.
 *
 * <p>Java 17 build: {@link MappedByteBuffer} chunks with {@link VarHandle} views. A buffer is limited to 2 GiB,
 * so the file is mapped in chunks of {@value #CHUNK_SHIFT}-bit size, and each chunk also maps the next
 * {@code maxAccessBytes} bytes. An access of at most that many bytes therefore always lies inside the chunk
 * of its first byte, and the lookup is a shift and a mask. Overlapping mappings of one file are views of the
 * same physical pages, so atomics stay atomic across them.
 *
 * <p>Plain reads and writes use the buffers' own absolute methods ({@code getLong(int)}, ...) on little-endian
 * buffers; only the atomics use the {@link VarHandle} views. A view passes the buffer's heap-array field to
 * {@code Unsafe} as the base, so Java 17's C2 cannot tell a heap access from an off-heap one and fences it as a
 * "mixed" access; a direct buffer's own method passes a null base, a plain off-heap access (docs/benchmarks.md,
 * "JDK 17's get", has the profile).
 *
 * <p>All multi-byte values are little-endian, whatever the platform, so a file can move between machines.
 * On Java 22+ the class under {@code META-INF/versions/22} replaces this one with a {@code MemorySegment}.
 *
 * <p><b>Ordering: every release has its acquire.</b> Plain {@code get}/{@code put} methods are unordered and are
 * only for bytes that a lock or a published word protects. A writer publishes with a release store
 * ({@code put*Release}), a volatile store or a compare-and-set, <em>after</em> the bytes it publishes; a reader
 * reads that word with a volatile load ({@code get*Volatile}, an acquire) or a compare-and-set <em>before</em> it
 * reads those bytes, so it sees them whole once it sees the word. Pairs in the engine: the page lock word (CAS to
 * take, release store to give back: {@code PageLocks}); a slot word and its record, and the directory's physical
 * page and the page image ({@code PageStore.commitSlot}, compaction); the directory's operation marker (recovery
 * reads it with an acquire); the header's magic, stored last when a file is created. A release store orders only
 * what comes before it: where a later plain store must not be seen first (a crash in between would be visible),
 * the caller adds {@code VarHandle.storeStoreFence()} after it. An optimistic reader (statistics,
 * {@link ReadOnlyCache}) reads the lock word with an acquire before and again after its plain reads, with
 * {@code VarHandle.acquireFence()} between, and retries when the word changed. The Java 17 and Java 22+ builds
 * of this class keep the same methods with the same orderings ({@code SharedMemoryVersionsTest}).
 */
public final class SharedMemory implements AutoCloseable {
    static final int CHUNK_SHIFT = 30;
    private static final long CHUNK_MASK = (1L << CHUNK_SHIFT) - 1;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final MappedByteBuffer[] chunks;
    /**
     * The only chunk of a file of at most 1 GiB (nearly every cache), else null: such a file's accesses skip the
     * array load and its bounds check, which showed in the profile of a hot get on Java 17 (docs/benchmarks.md).
     */
    private final MappedByteBuffer onlyChunk;
    private final long byteCount;

    /**
     * Compare-and-set calls made on scratch memory when this class loads; see {@link #compileCompareAndSet}.
     */
    static final int WARM_UP_CALLS = Integer.getInteger("fastmmap.casWarmUpCalls", 20_000);

    static {
        compileCompareAndSet();
    }

    private SharedMemory(MappedByteBuffer[] chunks, long byteCount) {
        this.chunks = chunks;
        this.onlyChunk = chunks.length == 1 ? chunks[0] : null;
        this.byteCount = byteCount;
    }

    /**
     * Maps {@code byteCount} bytes of {@code channel} read-write and shared. The mapping outlives the channel.
     *
     * @param maxAccessBytes the longest single access that will ever be made (a page)
     */
    public static SharedMemory map(FileChannel channel, long byteCount, int maxAccessBytes) throws IOException {
        return map(channel, byteCount, maxAccessBytes, FileChannel.MapMode.READ_WRITE);
    }

    /** Maps read-only, for readers without write permission; any write through it fails. */
    public static SharedMemory mapReadOnly(FileChannel channel, long byteCount, int maxAccessBytes)
            throws IOException {
        return map(channel, byteCount, maxAccessBytes, FileChannel.MapMode.READ_ONLY);
    }

    private static SharedMemory map(FileChannel channel, long byteCount, int maxAccessBytes,
            FileChannel.MapMode mode) throws IOException {
        int chunkCount = (int) ((byteCount + CHUNK_MASK) >>> CHUNK_SHIFT);
        MappedByteBuffer[] chunks = new MappedByteBuffer[Math.max(1, chunkCount)];
        for (int i = 0; i < chunks.length; i++) {
            long start = (long) i << CHUNK_SHIFT;
            long size = Math.min(byteCount - start, (1L << CHUNK_SHIFT) + maxAccessBytes);
            chunks[i] = channel.map(mode, start, size);
            chunks[i].order(ByteOrder.LITTLE_ENDIAN); // for the absolute getters; the atomics' views fix their own
        }
        return new SharedMemory(chunks, byteCount);
    }

    /** @return the mapped length */
    public long byteCount() {
        return byteCount;
    }

    private ByteBuffer chunk(long offset) {
        MappedByteBuffer only = onlyChunk;
        return only != null ? only : chunks[(int) (offset >>> CHUNK_SHIFT)];
    }

    private static int local(long offset) {
        return (int) (offset & CHUNK_MASK);
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > byteCount - length) {
            throw outOfBounds(offset, length);
        }
    }

    private void checkAligned(long offset, int width) {
        check(offset, width);
        if ((offset & (width - 1)) != 0) {
            throw new IllegalArgumentException("unaligned atomic access at offset " + offset);
        }
    }

    private CacheCorruptedException outOfBounds(long offset, long length) {
        return new CacheCorruptedException("access of " + length + " bytes at offset " + offset
                + " lies outside the mapped file of " + byteCount + " bytes");
    }

    public long getLong(long offset) {
        check(offset, 8);
        return chunk(offset).getLong(local(offset));
    }

    public void putLong(long offset, long value) {
        check(offset, 8);
        chunk(offset).putLong(local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public long getLongVolatile(long offset) {
        checkAligned(offset, 8);
        return (long) LONG.getVolatile(chunk(offset), local(offset));
    }

    public void putLongVolatile(long offset, long value) {
        checkAligned(offset, 8);
        LONG.setVolatile(chunk(offset), local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void putLongRelease(long offset, long value) {
        checkAligned(offset, 8);
        LONG.setRelease(chunk(offset), local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public boolean compareAndSetLong(long offset, long expected, long value) {
        checkAligned(offset, 8);
        boolean swapped = LONG.compareAndSet(chunk(offset), local(offset), expected, value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
        return swapped;
    }

    /**
     * Gets the compare-and-set compiled before the first cache file is mapped, as a file truncated by another
     * program would otherwise crash a Java 17 JVM. Touching a page past a mapped file's new end raises SIGBUS. The
     * JVM turns it into an {@link InternalError} for compiled code that accesses memory through {@code Unsafe}, and
     * for {@code Unsafe}'s own reads, writes and copies; but Java 17's native {@code Unsafe_CompareAndSetLong},
     * which the interpreter calls, does not guard its access, and the JVM dies of the signal (on JDK 25 too, through
     * the segment var handle: the Java 22 build warms up the same way). A page lock's compare-and-set is the first access of
     * every operation, so a cold JVM crashed on its next call after a truncation. Once the JIT has compiled the
     * chain from the var handle down to {@code Unsafe}, every caller, interpreted or not, runs the compiled,
     * guarded code. Not a guarantee: code the JIT deoptimizes runs interpreted again for a while, and
     * {@code -Xint} never compiles (docs/reliability.md, "A file truncated under a JVM").
     */
    private static void compileCompareAndSet() {
        // Through the var handle itself, not compareAndSetLong: CrashPoints must not count these as stores.
        ByteBuffer scratch = ByteBuffer.allocateDirect(Long.BYTES);
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            boolean swapped = LONG.compareAndSet(scratch, 0, (long) i, i + 1L);
            assert swapped;
        }
    }

    public int getInt(long offset) {
        check(offset, 4);
        return chunk(offset).getInt(local(offset));
    }

    public void putInt(long offset, int value) {
        check(offset, 4);
        chunk(offset).putInt(local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public int getIntVolatile(long offset) {
        checkAligned(offset, 4);
        return (int) INT.getVolatile(chunk(offset), local(offset));
    }

    public void putIntVolatile(long offset, int value) {
        checkAligned(offset, 4);
        INT.setVolatile(chunk(offset), local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void putIntRelease(long offset, int value) {
        checkAligned(offset, 4);
        INT.setRelease(chunk(offset), local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    /** @return the unsigned 16-bit value at {@code offset} */
    public int getShort(long offset) {
        check(offset, 2);
        return Short.toUnsignedInt(chunk(offset).getShort(local(offset)));
    }

    public void putShort(long offset, int value) {
        check(offset, 2);
        chunk(offset).putShort(local(offset), (short) value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public byte getByte(long offset) {
        check(offset, 1);
        return chunk(offset).get(local(offset));
    }

    public void putByte(long offset, byte value) {
        check(offset, 1);
        chunk(offset).put(local(offset), value);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void copyToArray(long offset, byte[] target, int targetIndex, int length) {
        check(offset, length);
        chunk(offset).get(local(offset), target, targetIndex, length);
    }

    public void copyFromArray(byte[] source, int sourceIndex, long offset, int length) {
        check(offset, length);
        chunk(offset).put(local(offset), source, sourceIndex, length);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    /** Copies between two regions that do not overlap. */
    public void copy(long sourceOffset, long targetOffset, int length) {
        check(sourceOffset, length);
        check(targetOffset, length);
        chunk(targetOffset).put(local(targetOffset), chunk(sourceOffset), local(sourceOffset), length);
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    public void zero(long offset, long length) {
        check(offset, length);
        long end = offset + length;
        long at = offset;
        while (at < end && (at & 7) != 0) {
            putByte(at++, (byte) 0);
        }
        for (; at + 8 <= end; at += 8) {
            chunk(at).putLong(local(at), 0L);
        }
        while (at < end) {
            putByte(at++, (byte) 0);
        }
        if (CrashPoints.ENABLED) {
            CrashPoints.stored();
        }
    }

    /** @return true when the {@code key.length} bytes at {@code offset} equal {@code key} */
    public boolean equalsArray(long offset, byte[] key) {
        int length = key.length;
        check(offset, length);
        ByteBuffer buffer = chunk(offset);
        int base = local(offset);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (buffer.getLong(base + i) != (long) ARRAY_LONG.get(key, i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (buffer.get(base + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** Writes dirty pages to the file (msync). Not needed for sharing between processes. */
    public void force() {
        for (MappedByteBuffer chunk : chunks) {
            chunk.force();
        }
    }

    /** The buffers are unmapped by the garbage collector; Java 17 offers no deterministic unmap. */
    @Override
    public void close() {
        // Nothing to release deterministically on Java 17.
    }
}
