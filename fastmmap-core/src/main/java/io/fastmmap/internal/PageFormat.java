package io.fastmmap.internal;

/**
 * A physical page: a header, an open-addressing slot table, and records appended after it.
 *
 * <pre>
 *  0        4          8           12          16          20            24           28               32
 *  +--------+----------+-----------+-----------+-----------+-------------+------------+----------------+
 *  | magic  | slotCount| freeOffset| liveCount | tombstones| garbageBytes| logicalPage| previousPhysical|
 *  +--------+----------+-----------+-----------+-----------+-------------+------------+----------------+
 *  32: slot table, slotCount x 8 bytes (slotCount a power of two)
 *      slot = tag (32 bits, the key hash's low half) << 32 | record offset (32 bits)
 *      word 0 = empty (ends a probe); offset 1..7, written as 7 = tombstone (removed; probing continues past
 *      it); offset 0 with a tag = damage
 *  32 + 8 x slotCount: records, 8-byte aligned, appended at freeOffset
 *
 *  record:
 *  0            4            8                       16            20          22          24
 *  +------------+------------+-----------------------+-------------+-----------+-----------+------------+
 *  | accessTick | checksum   | expireAtMillis        | valueLength | keyLength | flags     | key, value |
 *  +------------+------------+-----------------------+-------------+-----------+-----------+------------+
 * </pre>
 *
 * <ul>
 *   <li>Writing an entry appends its record in free space, then publishes it with one 8-byte release store of
 *       its slot: a crash before the store leaves only unused bytes, after it a complete record. The counters
 *       in the header are derived data, recomputed by repair.</li>
 *   <li>{@code checksum} = CRC-32C of key and value, mixed with expiry, lengths and flags, so a damaged record is
 *       never served. {@code accessTick} is outside it: reads restamp it.</li>
 *   <li>{@code expireAtMillis} is wall-clock epoch milliseconds; 0 means never.</li>
 *   <li>{@code logicalPage} lets a locker check it reached the page it meant; {@code previousPhysical} is set in
 *       a compacted image so recovery can return the old page to the spare pool (see {@link SpareTable}).</li>
 * </ul>
 */
final class PageFormat {
    static final int MAGIC = 0x4547504D; // "MPGE"
    static final int HEADER_BYTES = 32;
    // Each *_OFFSET is where a field of the layout above starts, from the start of the page or the record.
    static final int MAGIC_OFFSET = 0;
    static final int SLOT_COUNT_OFFSET = 4;
    static final int FREE_OFFSET = 8; // the field "freeOffset" (where free space starts): already named *_OFFSET
    static final int LIVE_COUNT_OFFSET = 12;
    static final int TOMBSTONE_COUNT_OFFSET = 16;
    static final int GARBAGE_BYTES_OFFSET = 20;
    static final int LOGICAL_PAGE_OFFSET = 24;
    static final int PREVIOUS_PHYSICAL_OFFSET = 28;

    static final int SLOT_BYTES = 8;
    static final int MIN_SLOT_COUNT = 8;
    /** Only the whole word 0 is empty: a word with a tag but offset 0 is a record slot that lost its offset. */
    static final long EMPTY = 0;
    /**
     * Written as 0b111 and read as any offset 1..7 (none can name a record, which starts 8-byte aligned past the
     * slot table): so no damage to one or two of its bits reads as an empty slot, which would end probes early,
     * hide the keys behind it, and bring them back once a new key filled the hole (BitFlipTest found this when a
     * tombstone was 1).
     */
    static final long TOMBSTONE = 7;

    static final int RECORD_HEADER_BYTES = 24;
    static final int RECORD_ALIGNMENT = 8;
    static final int ACCESS_TICK_OFFSET = 0;
    static final int CHECKSUM_OFFSET = 4;
    static final int EXPIRE_AT_OFFSET = 8;
    static final int VALUE_LENGTH_OFFSET = 16;
    static final int KEY_LENGTH_OFFSET = 20;
    static final int FLAGS_OFFSET = 22;
    static final int MAX_KEY_LENGTH = 0xFFFF;

    /**
     * Record flag: written in write-back mode and not yet stored in the backing store (bit 0, as Perl's
     * {@code FC_ISDIRTY}). A compaction that drops such a record hands a copy to the writer for write-back.
     */
    static final int FLAG_DIRTY = 1;
    /**
     * Record flag: eviction class protected (bit 2, {@code io.fastmmap.EvictionClass}). A compaction that must evict
     * takes the page's other live records first, least recently used first, and protected ones only after them.
     * Builds before this flag carried it unchanged and evicted such records like any other.
     */
    static final int FLAG_PROTECTED = 4;

    private PageFormat() {
    }

    static int dataStart(int slotCount) {
        return HEADER_BYTES + slotCount * SLOT_BYTES;
    }

    /** @return bytes a record of this key and value takes, rounded up to the record alignment */
    static long recordBytes(int keyLength, long valueLength) {
        return (RECORD_HEADER_BYTES + keyLength + valueLength + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /** @return the largest record one page can hold: the page with the smallest slot table and nothing else */
    static long maxRecordBytes(int pageSize) {
        return pageSize - dataStart(MIN_SLOT_COUNT);
    }

    static long slot(int tag, int recordOffset) {
        return ((long) tag << 32) | Integer.toUnsignedLong(recordOffset);
    }

    static int slotOffset(long slot) {
        return (int) slot;
    }

    static int slotTag(long slot) {
        return (int) (slot >>> 32);
    }

    /** @return whether a slot's offset stands for a removed entry (see {@link #TOMBSTONE}) */
    static boolean isTombstone(int offset) {
        return offset > 0 && offset < RECORD_ALIGNMENT;
    }

    /** @return whether a slot's offset claims a record (still to be bounds-checked): neither empty nor tombstone */
    static boolean namesRecord(int offset) {
        return offset < 0 || offset >= RECORD_ALIGNMENT;
    }

    /** Mixes the record's fixed fields into the CRC of key and value. */
    static int checksum(int crcOfKeyAndValue, long expireAtMillis, int valueLength, int keyLength, int flags) {
        long fields = XxHash64.avalanche(expireAtMillis
                ^ XxHash64.avalanche(((long) valueLength << 32) | ((long) keyLength << 16) | flags));
        return crcOfKeyAndValue ^ (int) fields ^ (int) (fields >>> 32);
    }
}
