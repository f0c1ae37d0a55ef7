package io.fastmmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Where each region of a cache file lies, computed from the geometry alone. docs/file-format.md is the same
 * specification in prose, with a worked hex example.
 *
 * <pre>
 *  offset 0              +-----------------------------------------------+
 *                        | file header              (FileHeader)   4 KiB |
 *  4096                  +-----------------------------------------------+
 *                        | process table  1024 x 16 B  (ProcessTable)    |
 *  20480                 +-----------------------------------------------+
 *                        | spare table    spareCount x 8 B (SpareTable)  |
 *  directoryOffset       +-----------------------------------------------+  64-byte aligned
 *                        | page directory pageCount x 64 B (PageDirectory)|
 *  pagesOffset           +-----------------------------------------------+  4096-byte aligned
 *                        | physical page 0          pageSize bytes       |
 *                        | ...                                           |
 *                        | physical page pageCount+spareCount-1          |
 *  fileSize              +-----------------------------------------------+
 * </pre>
 *
 * Logical page {@code i} (what a key hashes to) lives in the physical page named by its directory entry; the
 * extra physical pages are spares that compaction writes a page's new image into before switching the entry
 * to it, so a page being compacted is never half old, half new.
 *
 * @param geometry page size and count
 */
public record FileLayout(Geometry geometry) {
    public static final int HEADER_BYTES = 4096;
    public static final int PROCESS_SLOT_COUNT = 1024;
    public static final long PROCESS_TABLE_OFFSET = HEADER_BYTES;
    static final long SPARE_TABLE_OFFSET = PROCESS_TABLE_OFFSET + (long) PROCESS_SLOT_COUNT * ProcessTable.ENTRY_BYTES;

    /**
     * A digest of every layout constant: sizes, field offsets, magic numbers, byte order, hash and checksum
     * algorithms. Two builds that disagree on any of them compute different
     * descriptors and refuse each other's files (LMDB's MDB_LOCK_FORMAT idea).
     */
    public static final int LAYOUT_DESCRIPTOR = descriptor();

    private static int descriptor() {
        String layout = "le;xxh64;crc32c;lock=gen48.slot16;headerRegion=" + HEADER_BYTES
                + ";header=" + fields(FileHeader.MAGIC_OFFSET, FileHeader.VERSION_OFFSET, FileHeader.LAYOUT_OFFSET,
                        FileHeader.PAGE_SIZE_OFFSET, FileHeader.PAGE_COUNT_OFFSET, FileHeader.SPARE_COUNT_OFFSET,
                        FileHeader.PROCESS_SLOTS_OFFSET, FileHeader.FILE_SIZE_OFFSET, FileHeader.HASH_SEED_OFFSET,
                        FileHeader.CREATED_AT_OFFSET, FileHeader.PROCESS_TABLE_OFFSET_OFFSET,
                        FileHeader.SPARE_TABLE_OFFSET_OFFSET, FileHeader.DIRECTORY_OFFSET_OFFSET,
                        FileHeader.PAGES_OFFSET_OFFSET, FileHeader.CHECKSUM_OFFSET, FileHeader.HEADER_USED_BYTES)
                + ";proc=" + PROCESS_SLOT_COUNT + "x" + fields(ProcessTable.ENTRY_BYTES, ProcessTable.PID_OFFSET,
                        ProcessTable.ATTACHED_AT_OFFSET)
                + ";spare=" + SpareTable.ENTRY_BYTES
                + ";dir=" + fields(PageDirectory.ENTRY_BYTES, PageDirectory.LOCK_WORD_OFFSET,
                        PageDirectory.PHYSICAL_PAGE_OFFSET, PageDirectory.OPERATION_OFFSET,
                        PageDirectory.ACCESS_CLOCK_OFFSET, PageDirectory.FREE_CHECK_OFFSET,
                        PageDirectory.EVICTION_COUNT_OFFSET, PageDirectory.EXPIRATION_COUNT_OFFSET,
                        PageDirectory.REPAIR_COUNT_OFFSET, PageDirectory.LOCK_RECOVERY_COUNT_OFFSET)
                + ";page=" + fields(PageFormat.MAGIC, PageFormat.HEADER_BYTES, PageFormat.SLOT_COUNT_OFFSET,
                        PageFormat.FREE_OFFSET, PageFormat.LIVE_COUNT_OFFSET, PageFormat.TOMBSTONE_COUNT_OFFSET,
                        PageFormat.GARBAGE_BYTES_OFFSET, PageFormat.LOGICAL_PAGE_OFFSET,
                        PageFormat.PREVIOUS_PHYSICAL_OFFSET)
                + ";slot=" + PageFormat.SLOT_BYTES + "/min" + PageFormat.MIN_SLOT_COUNT
                + ";record=" + fields(PageFormat.RECORD_HEADER_BYTES, PageFormat.RECORD_ALIGNMENT,
                        PageFormat.ACCESS_TICK_OFFSET, PageFormat.CHECKSUM_OFFSET, PageFormat.EXPIRE_AT_OFFSET,
                        PageFormat.VALUE_LENGTH_OFFSET, PageFormat.KEY_LENGTH_OFFSET, PageFormat.FLAGS_OFFSET);
        CRC32C crc = new CRC32C();
        crc.update(layout.getBytes(StandardCharsets.US_ASCII));
        return (int) crc.getValue();
    }

    private static String fields(long... values) {
        StringBuilder text = new StringBuilder();
        for (long value : values) {
            text.append(value).append(',');
        }
        return text.toString();
    }

    public long spareTableOffset() {
        return SPARE_TABLE_OFFSET;
    }

    public long directoryOffset() {
        return align(SPARE_TABLE_OFFSET + (long) geometry.spareCount() * SpareTable.ENTRY_BYTES, 64);
    }

    public long pagesOffset() {
        return align(directoryOffset() + (long) geometry.pageCount() * PageDirectory.ENTRY_BYTES, 4096);
    }

    public long fileSize() {
        return pagesOffset() + (long) geometry.physicalPageCount() * geometry.pageSizeBytes();
    }

    /** @return the file offset of physical page {@code physicalPage} */
    public long physicalPageOffset(int physicalPage) {
        return pagesOffset() + (long) physicalPage * geometry.pageSizeBytes();
    }

    private static long align(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
