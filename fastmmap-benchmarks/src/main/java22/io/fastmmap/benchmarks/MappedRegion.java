package io.fastmmap.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A plain shared mapping of a file, with no cache around it: the floor that {@code get} is compared with.
 *
 * <p>Java 22+ build: a {@link MemorySegment} in a shared arena, as fastmmap-core's Java 22 SharedMemory uses.
 */
public final class MappedRegion implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment segment;

    private MappedRegion(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    /** Creates (or truncates) {@code file} to {@code size} bytes and maps it read-write, shared. */
    public static MappedRegion create(Path file, long size) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return new MappedRegion(arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** @return a new array holding the {@code length} bytes at {@code offset} */
    public byte[] read(long offset, int length) {
        byte[] out = new byte[length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, out, 0, length);
        return out;
    }

    public void write(long offset, byte[] data) {
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, offset, data.length);
    }

    public static String kind() {
        return "MemorySegment";
    }

    @Override
    public void close() {
        arena.close();
    }
}
