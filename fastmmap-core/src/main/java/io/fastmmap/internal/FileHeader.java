package io.fastmmap.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /**
     * A header field whose value the format and the geometry decide. One table of them ({@link #fixedFields})
     * serves writing the header, the check on opening (which throws) and verify (which reports).
     *
     * @param name the field's name in messages
     * @param byteCount 4 or 8
     */
    record Field(String name, int offset, int byteCount, long value) {
        long readFrom(ByteBuffer header) {
            return byteCount == Long.BYTES ? header.getLong(offset) : header.getInt(offset);
        }

        long readFrom(SharedMemory memory) {
            return byteCount == Long.BYTES ? memory.getLong(offset) : memory.getInt(offset);
        }

        void writeTo(SharedMemory memory) {
            if (byteCount == Long.BYTES) {
                memory.putLong(offset, value);
            } else {
                memory.putInt(offset, (int) value);
            }
        }
    }

    /** @return every field {@code layout} decides, in file order: all but magic, hashSeed, createdAt, checksum */
    static List<Field> fixedFields(FileLayout layout) {
        Geometry geometry = layout.geometry();
        return List.of(
                new Field("format version", VERSION_OFFSET, Integer.BYTES, FORMAT_VERSION),
                new Field("layout descriptor", LAYOUT_OFFSET, Integer.BYTES, FileLayout.LAYOUT_DESCRIPTOR),
                new Field("pageSize", PAGE_SIZE_OFFSET, Integer.BYTES, geometry.pageSizeBytes()),
                new Field("pageCount", PAGE_COUNT_OFFSET, Integer.BYTES, geometry.pageCount()),
                new Field("spareCount", SPARE_COUNT_OFFSET, Integer.BYTES, geometry.spareCount()),
                new Field("processSlotCount", PROCESS_SLOTS_OFFSET, Integer.BYTES, FileLayout.PROCESS_SLOT_COUNT),
                new Field("fileSize", FILE_SIZE_OFFSET, Long.BYTES, layout.fileSize()),
                new Field("processTableOffset", PROCESS_TABLE_OFFSET_OFFSET, Long.BYTES,
                        FileLayout.PROCESS_TABLE_OFFSET),
                new Field("spareTableOffset", SPARE_TABLE_OFFSET_OFFSET, Long.BYTES, layout.spareTableOffset()),
                new Field("directoryOffset", DIRECTORY_OFFSET_OFFSET, Long.BYTES, layout.directoryOffset()),
                new Field("pagesOffset", PAGES_OFFSET_OFFSET, Long.BYTES, layout.pagesOffset()));
    }

    /** Writes a complete header, magic last. */
    static void write(SharedMemory memory, FileLayout layout, long hashSeed, long createdAtMillis) {
        for (Field field : fixedFields(layout)) {
            field.writeTo(memory);
        }
        memory.putLong(HASH_SEED_OFFSET, hashSeed);
        memory.putLong(CREATED_AT_OFFSET, createdAtMillis);
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
