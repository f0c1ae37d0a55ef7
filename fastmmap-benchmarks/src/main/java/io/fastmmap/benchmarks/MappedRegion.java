package io.fastmmap.benchmarks;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A plain shared mapping of a file, with no cache around it: the floor that {@code get} is compared with.
 *
 * <p>Java 17 build: one {@link MappedByteBuffer}, as fastmmap-core's Java 17 SharedMemory uses. On Java 22+ the
 * class under {@code META-INF/versions/22} uses a {@code MemorySegment} instead, as fastmmap-core does there.
 */
public final class MappedRegion implements AutoCloseable {
    private final MappedByteBuffer buffer;

    private MappedRegion(MappedByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Creates (or truncates) {@code file} to {@code size} bytes and maps it read-write, shared. */
    public static MappedRegion create(Path file, long size) throws IOException {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a MappedByteBuffer region is at most 2 GiB, not " + size);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return new MappedRegion(channel.map(FileChannel.MapMode.READ_WRITE, 0, size));
        }
    }

    /** @return a new array holding the {@code length} bytes at {@code offset} */
    public byte[] read(long offset, int length) {
        byte[] out = new byte[length];
        buffer.get((int) offset, out, 0, length);
        return out;
    }

    public void write(long offset, byte[] data) {
        buffer.put((int) offset, data, 0, data.length);
    }

    public static String kind() {
        return "MappedByteBuffer";
    }

    /** Java 17 cannot unmap deterministically; the garbage collector does. */
    @Override
    public void close() {
    }
}
