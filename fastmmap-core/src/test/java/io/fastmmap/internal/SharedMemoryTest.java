package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheCorruptedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one owner of mapped memory, on whichever JDK runs the test: every width lands in the file little-endian (the
 * file format, shared by Java 17 and 22+ processes), whether written by a plain store or an atomic one, and every
 * access outside the file is refused with {@link CacheCorruptedException} before it touches memory.
 */
class SharedMemoryTest {
    private static final int FILE_BYTES = 4096;

    @TempDir
    Path directory;

    private FileChannel open(Path file) throws Exception {
        Files.write(file, new byte[FILE_BYTES]);
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** The file's bytes as another process sees them: through read(2), not the mapping. */
    private static String bytesOnDisk(FileChannel channel, long offset, int length) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        channel.read(bytes, offset);
        return HexFormat.of().formatHex(bytes.array());
    }

    @Test
    void plainAndAtomicStoresShouldLayOutEveryWidthLittleEndian() throws Exception {
        try (FileChannel channel = open(directory.resolve("m.bin"));
                SharedMemory memory = SharedMemory.map(channel, FILE_BYTES, 64)) {
            memory.putLong(8, 0x0102030405060708L);
            memory.putInt(20, 0x0A0B0C0D);
            memory.putShort(26, 0xE0F0);
            memory.putLongVolatile(32, 0x1112131415161718L);
            memory.putIntRelease(44, 0x21222324);
            assertThat(bytesOnDisk(channel, 8, 8)).isEqualTo("0807060504030201");
            assertThat(bytesOnDisk(channel, 20, 4)).isEqualTo("0d0c0b0a");
            assertThat(bytesOnDisk(channel, 26, 2)).isEqualTo("f0e0");
            assertThat(bytesOnDisk(channel, 32, 8)).isEqualTo("1817161514131211");
            assertThat(bytesOnDisk(channel, 44, 4)).isEqualTo("24232221");
            // what one kind of access stores, the other reads back (a lock word is CASed and read both ways)
            assertThat(memory.getLongVolatile(8)).isEqualTo(0x0102030405060708L);
            assertThat(memory.getLong(32)).isEqualTo(0x1112131415161718L);
            assertThat(memory.getInt(44)).isEqualTo(0x21222324);
            assertThat(memory.getShort(26)).isEqualTo(0xE0F0);
            assertThat(memory.compareAndSetLong(8, 0x0102030405060708L, -2L)).isTrue();
            assertThat(memory.getLong(8)).isEqualTo(-2L);
            // unaligned plain accesses are allowed (records are 8-aligned, their fields need not be)
            memory.putLong(49, 0x3132333435363738L);
            assertThat(bytesOnDisk(channel, 49, 8)).isEqualTo("3837363534333231");
            assertThat(memory.equalsArray(49, HexFormat.of().parseHex("3837363534333231"))).isTrue();
            assertThat(memory.equalsArray(49, HexFormat.of().parseHex("3837363534333230"))).isFalse();
        }
    }

    @Test
    void everyAccessOutsideTheFileShouldBeRefusedBeforeTouchingMemory() throws Exception {
        try (FileChannel channel = open(directory.resolve("m.bin"));
                SharedMemory memory = SharedMemory.map(channel, FILE_BYTES, 64)) {
            byte[] eight = new byte[8];
            for (long offset : new long[] {-1, FILE_BYTES - 7, FILE_BYTES, Long.MAX_VALUE, Long.MIN_VALUE}) {
                assertRefused(() -> memory.getLong(offset));
                assertRefused(() -> memory.putLong(offset, 1));
                assertRefused(() -> memory.getLongVolatile(offset));
                assertRefused(() -> memory.compareAndSetLong(offset, 0, 1));
                assertRefused(() -> memory.copyToArray(offset, eight, 0, 8));
                assertRefused(() -> memory.copyFromArray(eight, 0, offset, 8));
                assertRefused(() -> memory.equalsArray(offset, eight));
                assertRefused(() -> memory.zero(offset, 8));
                assertRefused(() -> memory.copy(0, offset, 8));
            }
            for (long offset : new long[] {-1, FILE_BYTES - 3, FILE_BYTES}) {
                assertRefused(() -> memory.getInt(offset));
                assertRefused(() -> memory.putInt(offset, 1));
                assertRefused(() -> memory.getIntVolatile(offset));
            }
            assertRefused(() -> memory.getShort(FILE_BYTES - 1));
            assertRefused(() -> memory.getByte(FILE_BYTES));
            assertRefused(() -> memory.copyToArray(0, eight, 0, -1));
            // the last bytes of the file are still reachable
            memory.putLong(FILE_BYTES - 8, 7);
            assertThat(memory.getLong(FILE_BYTES - 8)).isEqualTo(7);
            assertThat(memory.getByte(FILE_BYTES - 1)).isZero();
        }
    }

    private static void assertRefused(Runnable access) {
        assertThatThrownBy(access::run).isInstanceOf(CacheCorruptedException.class)
                .hasMessageContaining("outside the mapped file of " + FILE_BYTES + " bytes");
    }
}
