package io.fastmmap.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The file header: what a file is, which format and layout it uses, and its geometry. Written once, when the
 * file is created, and only read afterwards, so no crash can damage it; a checksum catches damage from outside.
 *
 * <pre>
 *  0                   8                   16                  24                  32
 *  +-------------------+---------+---------+---------+---------+---------+---------+
 *  | magic "FASTMMAP"  | version | layout  | pageSize| pageCount spareCnt| procSlots|
 *  +-------------------+---------+---------+---------+---------+---------+---------+
 *  32                  40                  48                  56
 *  +-------------------+-------------------+-------------------+
 *  | fileSize          | hashSeed          | createdAtMillis   |
 *  +-------------------+-------------------+-------------------+
 *  56                  64                  72                  80                  88        92        96
 *  +-------------------+-------------------+-------------------+-------------------+---------+---------+
 *  | processTableOffset| spareTableOffset  | directoryOffset   | pagesOffset       | checksum| reserved|
 *  +-------------------+-------------------+-------------------+-------------------+---------+---------+
 * </pre>
 *
 * All fields little-endian. {@code checksum} is the CRC-32C of bytes 8 to 87. The magic is written last, with a
 * release store, so a reader that sees it sees a complete header.
 */
final class FileHeader {
    static final long MAGIC = 0x50414D4D54534146L; // "FASTMMAP" read as little-endian bytes
    static final int FORMAT_VERSION = 2; // 2: record flags carry dirty and compression bits
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int LAYOUT_OFFSET = 12;
    static final int PAGE_SIZE_OFFSET = 16;
    static final int PAGE_COUNT_OFFSET = 20;
    static final int SPARE_COUNT_OFFSET = 24;
    static final int PROCESS_SLOTS_OFFSET = 28;
    static final int FILE_SIZE_OFFSET = 32;
    static final int HASH_SEED_OFFSET = 40;
    static final int CREATED_AT_OFFSET = 48;
    static final int PROCESS_TABLE_OFFSET_OFFSET = 56;
    static final int SPARE_TABLE_OFFSET_OFFSET = 64;
    static final int DIRECTORY_OFFSET_OFFSET = 72;
    static final int PAGES_OFFSET_OFFSET = 80;
    static final int CHECKSUM_OFFSET = 88;
    static final int HEADER_USED_BYTES = 96;

    private FileHeader() {
    }

    /** Writes a complete header, magic last. */
    static void write(SharedMemory memory, FileLayout layout, long hashSeed, long createdAtMillis) {
        Geometry geometry = layout.geometry();
        memory.putInt(VERSION_OFFSET, FORMAT_VERSION);
        memory.putInt(LAYOUT_OFFSET, FileLayout.LAYOUT_DESCRIPTOR);
        memory.putInt(PAGE_SIZE_OFFSET, geometry.pageSizeBytes());
        memory.putInt(PAGE_COUNT_OFFSET, geometry.pageCount());
        memory.putInt(SPARE_COUNT_OFFSET, geometry.spareCount());
        memory.putInt(PROCESS_SLOTS_OFFSET, FileLayout.PROCESS_SLOT_COUNT);
        memory.putLong(FILE_SIZE_OFFSET, layout.fileSize());
        memory.putLong(HASH_SEED_OFFSET, hashSeed);
        memory.putLong(CREATED_AT_OFFSET, createdAtMillis);
        memory.putLong(PROCESS_TABLE_OFFSET_OFFSET, FileLayout.PROCESS_TABLE_OFFSET);
        memory.putLong(SPARE_TABLE_OFFSET_OFFSET, layout.spareTableOffset());
        memory.putLong(DIRECTORY_OFFSET_OFFSET, layout.directoryOffset());
        memory.putLong(PAGES_OFFSET_OFFSET, layout.pagesOffset());
        memory.putInt(CHECKSUM_OFFSET, checksum(memory));
        memory.putLongVolatile(MAGIC_OFFSET, MAGIC);
    }

    static int checksum(SharedMemory memory) {
        byte[] bytes = new byte[CHECKSUM_OFFSET - VERSION_OFFSET];
        memory.copyToArray(VERSION_OFFSET, bytes, 0, bytes.length);
        return checksum(bytes);
    }

    static int checksum(byte[] headerBytes8To88) {
        CRC32C crc = new CRC32C();
        crc.update(headerBytes8To88);
        return (int) crc.getValue();
    }

    static String magicText(long magic) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            byte b = (byte) (magic >>> (8 * i));
            bytes[i] = b >= 0x20 && b < 0x7F ? b : (byte) '.';
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
