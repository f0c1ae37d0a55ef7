package io.fastmmap.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Direct access to a cache file's bytes for tests that inspect or damage it. Open it only while no cache has the
 * file open in this JVM: closing this second channel would drop the cache's fcntl locks.
 */
final class RawFile implements AutoCloseable {
    final FileLayout layout;
    final SharedMemory memory;
    final long hashSeed;
    private final FileChannel channel;

    RawFile(Path file, Geometry geometry) throws IOException {
        this.layout = new FileLayout(geometry);
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.memory = SharedMemory.map(channel, layout.fileSize(), geometry.pageSizeBytes());
        this.hashSeed = memory.getLong(FileHeader.HASH_SEED_OFFSET);
    }

    long hash(byte[] key) {
        return XxHash64.hash(key, hashSeed);
    }

    int pageOf(byte[] key) {
        return (int) (((hash(key) >>> 32) * layout.geometry().pageCount()) >>> 32);
    }

    long directoryEntry(int page) {
        return layout.directoryOffset() + (long) page * PageDirectory.ENTRY_BYTES;
    }

    long pageBase(int page) {
        return layout.physicalPageOffset(memory.getInt(directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET));
    }

    /** @return the file offset of the record of {@code key}, or -1 */
    long recordOf(byte[] key) {
        int page = pageOf(key);
        long base = pageBase(page);
        int slots = memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET);
        for (int i = 0; i < slots; i++) {
            int offset = PageFormat.slotOffset(memory.getLong(base + PageFormat.HEADER_BYTES + 8L * i));
            if (PageFormat.namesRecord(offset)
                    && memory.getShort(base + offset + PageFormat.KEY_LENGTH_OFFSET) == key.length
                    && memory.equalsArray(base + offset + PageFormat.RECORD_HEADER_BYTES, key)) {
                return base + offset;
            }
        }
        return -1;
    }

    /** @return the file offset of the slot word pointing at {@code key}'s record, or -1 */
    long slotOf(byte[] key) {
        int page = pageOf(key);
        long base = pageBase(page);
        long record = recordOf(key);
        int slots = memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET);
        for (int i = 0; i < slots; i++) {
            long address = base + PageFormat.HEADER_BYTES + 8L * i;
            if (PageFormat.slotOffset(memory.getLong(address)) == record - base) {
                return address;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        memory.close();
        channel.close();
    }
}
