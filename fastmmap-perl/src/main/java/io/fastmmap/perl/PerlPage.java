package io.fastmmap.perl;

import io.fastmmap.CacheCorruptedException;
import io.fastmmap.FastMmapException;
import io.fastmmap.ValueTooLargeException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One locked page of a Cache::FastMmap file, worked on exactly as 1.57's C code does ({@code mmap_cache.c}), so that
 * Perl processes can read and change everything Java writes and the other way round.
 *
 * <pre>
 * page (page_size bytes, all integers host-endian u32)
 * +0  Magic 0x92F7E3B1   +4 NumSlots   +8 FreeSlots   +12 OldSlots
 * +16 FreeData           +20 FreeBytes +24 NReads     +28 NReadHits
 * +32 slot table: NumSlots u32s, each 0 (never used; ends a probe), 1 (deleted) or a record's page offset
 * +32+4*NumSlots records, appended at FreeData, each rounded up to 4 bytes:
 *     LastAccess ExpireOn SlotHash Flags KeyLen ValLen (6 u32s), key bytes, value bytes
 * </pre>
 *
 * <p>1.57 checks five header invariants after taking a page lock and, when one fails, croaks <em>without releasing
 * the lock</em>, wedging the page for every process until that Perl process exits, and it follows slots into records
 * without any bounds check. A process may be killed between any two stores, so every store here leaves a page Perl
 * reads safely: the five checks hold ((FreeSlots, OldSlots) and (FreeData, FreeBytes) are written as pairs with one
 * 8-byte store; NumSlots only grows, before the counts that depend on it), a record is complete before a slot points
 * to it, and no slot points into bytes being overwritten (see {@link #rebuild}). The one thing no store order can
 * keep exact is the used-slot count against the slots themselves, two separate words: it is off by at most one
 * between a slot store and the count store after it.
 *
 * <p>Slots and records are checked as they are reached (offset in the record area and below FreeData, lengths
 * inside the page, the stored slot hash equal to the key's): a damaged page raises {@link CacheCorruptedException}
 * and is never served or changed.
 */
final class PerlPage {

    static final long MAGIC = 0x92F7E3B1L;
    static final int HEADER_BYTES = 32;
    /** 1.57 refuses a page with fewer slots (hard-coded in {@code mmc_lock}, whatever {@code start_slots} says). */
    static final int MIN_SLOTS = 89;
    static final int RECORD_HEADER_BYTES = 24;

    static final long FC_UNDEF = 1L << 29;
    static final long FC_UTF8KEY = 1L << 30;
    static final long FC_UTF8VAL = 1L << 31;
    static final long FC_HASMODSEQ = 1L << 27;
    static final long FC_TOMBSTONE = 1L << 28;
    private static final int MODSEQ_BYTES = 8;

    private static final int OFF_MAGIC = 0;
    private static final int OFF_NUM_SLOTS = 4;
    private static final int OFF_FREE_SLOTS = 8;
    private static final int OFF_FREE_DATA = 16;

    private final PageMemory memory;
    private final Path file;
    private final int pageIndex;
    private final int pageSize;
    private final long nowSeconds;

    private int numSlots;
    private int freeSlots;
    private int oldSlots;
    private int freeData;
    private int freeBytes;

    /** A value read from the page. */
    record Value(byte[] bytes, long flags, long expireOnSeconds) {
        boolean isUndef() {
            return (flags & FC_UNDEF) != 0;
        }
    }

    /**
     * Reads and checks the header of a page this process has just locked.
     *
     * @throws CacheCorruptedException when 1.57 would refuse the page too
     */
    PerlPage(PageMemory memory, Path file, int pageIndex, long nowSeconds) {
        this.memory = memory;
        this.file = file;
        this.pageIndex = pageIndex;
        this.pageSize = memory.size();
        this.nowSeconds = nowSeconds;
        long magic = memory.u32(OFF_MAGIC);
        if (magic != MAGIC) {
            throw damaged("its header has no page start marker (magic " + hex(magic) + " instead of "
                    + hex(MAGIC) + ")");
        }
        long slots = memory.u32(OFF_NUM_SLOTS);
        long free = memory.u32(OFF_FREE_SLOTS);
        long old = memory.u32(OFF_FREE_SLOTS + 4);
        long data = memory.u32(OFF_FREE_DATA);
        long bytes = memory.u32(OFF_FREE_DATA + 4);
        if (slots < MIN_SLOTS || slots > pageSize || HEADER_BYTES + 4 * slots > pageSize) {
            throw damaged("its header says " + slots + " slots (" + MIN_SLOTS + " to " + (pageSize - HEADER_BYTES) / 4
                    + " fit)");
        }
        if (free > slots || old > free) {
            throw damaged("its header counts " + free + " free and " + old + " deleted slots of " + slots);
        }
        if (data + bytes != pageSize || data < HEADER_BYTES + 4 * slots) {
            throw damaged("its header's free space (offset " + data + ", " + bytes + " bytes) does not end the "
                    + pageSize + "-byte page after the slot table");
        }
        numSlots = (int) slots;
        freeSlots = (int) free;
        oldSlots = (int) old;
        freeData = (int) data;
        freeBytes = (int) bytes;
    }

    /** Writes a fresh, empty page: what 1.57's {@code _mmc_init_page} writes. */
    static void initialise(PageMemory memory) {
        int size = memory.size();
        memory.fill(0, HEADER_BYTES + 4 * MIN_SLOTS, (byte) 0);
        int freeData = HEADER_BYTES + 4 * MIN_SLOTS;
        memory.putPair(OFF_MAGIC, MAGIC, MIN_SLOTS);
        memory.putPair(OFF_FREE_SLOTS, MIN_SLOTS, 0);
        memory.putPair(OFF_FREE_DATA, freeData, size - freeData);
        memory.putPair(24, 0, 0);
    }

    /** @return Cache::FastMmap's hash of the key bytes: page = h % pages, slot hash = h / pages (unsigned) */
    static long hash(byte[] key) {
        int h = (int) MAGIC;
        for (byte b : key) {
            h = (h << 4) + (h >>> 28) + (b & 0xFF);
        }
        return Integer.toUnsignedLong(h);
    }

    /** @return the key's value, or null when absent, expired or a 1.63 tombstone; a hit refreshes LastAccess */
    Value read(byte[] key, long slotHash) {
        int slot = find(key, slotHash, false);
        if (slot < 0 || slotValue(slot) <= 1) {
            return null;
        }
        int record = (int) slotValue(slot);
        long expireOn = memory.u32(record + 4);
        long flags = memory.u32(record + 12);
        if (isExpired(expireOn) || (flags & FC_TOMBSTONE) != 0) {
            return null;
        }
        memory.putU32(record, nowSeconds);
        int valueOffset = record + RECORD_HEADER_BYTES + key.length;
        int valueLength = (int) memory.u32(record + 20);
        if ((flags & FC_HASMODSEQ) != 0) {
            if (valueLength < MODSEQ_BYTES) {
                throw damaged("the record of a key holds " + valueLength + " value bytes, less than its modseq");
            }
            valueOffset += MODSEQ_BYTES;
            valueLength -= MODSEQ_BYTES;
        }
        return new Value(memory.bytes(valueOffset, valueLength), flags, expireOn);
    }

    /**
     * Stores the value as 1.57's {@code set} does (the same pre-write expunge, slot reuse and record), except that a
     * value that still does not fit after Perl's expunge evicts more of the least recently used entries instead of
     * failing, and a replaced value is kept when the new one cannot be stored.
     *
     * @param expireOnSeconds absolute unix seconds, 0 for never
     * @throws ValueTooLargeException when the entry is larger than this page's data area
     */
    void write(byte[] key, long slotHash, byte[] value, long expireOnSeconds, long flags) {
        long recordBytes = roundUp(RECORD_HEADER_BYTES + (long) key.length + value.length);
        long area = dataArea(numSlots);
        if (recordBytes > area) {
            throw new ValueTooLargeException(file + ": an entry of " + key.length + " key and " + value.length
                    + " value bytes needs " + recordBytes + " bytes in a page, but a page of " + pageSize
                    + " bytes with " + numSlots + " slots has room for " + area + ". Use a larger page_size "
                    + "(pageSize) on every process sharing the file, or store smaller values.", recordBytes, area);
        }
        expunge(ExpungeMode.MAKE_ROOM, key.length + value.length, (int) recordBytes);
        int slot = find(key, slotHash, true);
        if (slot < 0 || freeBytes < recordBytes) {
            expunge(ExpungeMode.MAKE_ROOM, -1, (int) recordBytes);
            slot = find(key, slotHash, true);
        }
        if (slot < 0 || freeBytes < recordBytes) {
            throw new FastMmapException(file + ": page " + pageIndex + " found no room for an entry of "
                    + recordBytes + " bytes even after evicting (free " + freeBytes + " bytes, " + freeSlots
                    + " free slots); this is a bug: please report it");
        }
        long previous = slotValue(slot);
        if (previous > 1) {
            refuseOverTombstone(previous, flags);
        }
        int record = freeData;
        memory.putRecordHeader(record, nowSeconds, expireOnSeconds, slotHash, flags, key.length, value.length);
        memory.putBytes(record + RECORD_HEADER_BYTES, key);
        memory.putBytes(record + RECORD_HEADER_BYTES + key.length, value);
        int padding = (int) recordBytes - RECORD_HEADER_BYTES - key.length - value.length;
        memory.fill(record + (int) recordBytes - padding, padding, (byte) 0);
        // The record is in place before the header counts it, and counted before a slot points to it: a process
        // killed in between leaves unused bytes for the next expunge, never a slot to garbage.
        freeData += (int) recordBytes;
        freeBytes -= (int) recordBytes;
        memory.putPair(OFF_FREE_DATA, freeData, freeBytes);
        memory.putU32(slotOffset(slot), record);
        if (previous <= 1) {
            storeCounts(freeSlots - 1, previous == 1 ? oldSlots - 1 : oldSlots);
        }
    }

    /** @return true when a live (unexpired, not a tombstone) entry was removed; expired ones are removed too */
    boolean delete(byte[] key, long slotHash) {
        int slot = find(key, slotHash, false);
        if (slot < 0 || slotValue(slot) <= 1) {
            return false;
        }
        int record = (int) slotValue(slot);
        boolean live = !isExpired(memory.u32(record + 4)) && (memory.u32(record + 12) & FC_TOMBSTONE) == 0;
        memory.putU32(slotOffset(slot), 1);
        storeCounts(freeSlots + 1, oldSlots + 1);
        return live;
    }

    /** @return the keys of the live entries, in slot order */
    List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        for (int slot = 0; slot < numSlots; slot++) {
            long offset = slotValue(slot);
            if (offset > 1) {
                int record = checkedRecord(slot, offset);
                if (!isExpired(memory.u32(record + 4)) && (memory.u32(record + 12) & FC_TOMBSTONE) == 0) {
                    keys.add(memory.bytes(record + RECORD_HEADER_BYTES, (int) memory.u32(record + 16)));
                }
            }
        }
        return keys;
    }

    /** @return the live entries (Perl's {@code get_keys(2)}), in slot order; reading them changes nothing */
    List<PerlCacheEntry> entries() {
        List<PerlCacheEntry> entries = new ArrayList<>();
        for (int slot = 0; slot < numSlots; slot++) {
            long offset = slotValue(slot);
            if (offset > 1) {
                int record = checkedRecord(slot, offset);
                long expireOn = memory.u32(record + 4);
                long flags = memory.u32(record + 12);
                if (!isExpired(expireOn) && (flags & FC_TOMBSTONE) == 0) {
                    int keyLength = (int) memory.u32(record + 16);
                    int skip = (flags & FC_HASMODSEQ) != 0 ? MODSEQ_BYTES : 0;
                    int valueLength = (int) memory.u32(record + 20) - skip;
                    if (valueLength < 0) {
                        throw damaged("the record of slot " + slot + " holds fewer value bytes than its modseq");
                    }
                    entries.add(new PerlCacheEntry(memory.bytes(record + RECORD_HEADER_BYTES, keyLength),
                            memory.bytes(record + RECORD_HEADER_BYTES + keyLength + skip, valueLength),
                            memory.u32(record), expireOn, flags));
                }
            }
        }
        return entries;
    }

    /**
     * Checks every record of the page, beyond what each operation checks on its way: every slot's record lies in
     * the record area and tiles it, its key belongs to this page and slot hash, and the header counts the slots in
     * use and deleted as they are.
     *
     * @throws CacheCorruptedException at the first violation
     */
    void check(int pageCount) {
        int used = 0;
        int deleted = 0;
        for (int slot = 0; slot < numSlots; slot++) {
            long offset = slotValue(slot);
            if (offset == 1) {
                deleted++;
            } else if (offset > 1) {
                used++;
                int record = checkedRecord(slot, offset);
                long hash = hash(memory.bytes(record + RECORD_HEADER_BYTES, (int) memory.u32(record + 16)));
                if (hash % pageCount != pageIndex || memory.u32(record + 8) != hash / pageCount) {
                    throw damaged("the key of slot " + slot + " belongs to page " + hash % pageCount
                            + " with slot hash " + hash / pageCount + ", but is stored here with slot hash "
                            + memory.u32(record + 8));
                }
            }
        }
        if (used != numSlots - freeSlots || deleted != oldSlots) {
            throw damaged("its header counts " + (numSlots - freeSlots) + " slots in use and " + oldSlots
                    + " deleted, but the slot table holds " + used + " and " + deleted);
        }
    }

    /** Adds this page's header figures (Perl's {@code get_statistics} and the fill) to {@code sum}. */
    void addTo(PerlCacheStats.Sum sum) {
        sum.add(numSlots - freeSlots, freeData - HEADER_BYTES - 4L * numSlots, freeBytes, memory.u32(24),
                memory.u32(28));
    }

    /** Perl's expunge modes ({@code mmc_calc_expunge}). */
    enum ExpungeMode {
        /** Perl's mode 0 ({@code purge}): drop expired entries. */
        EXPIRED,
        /** Perl's mode 1 ({@code clear}): drop everything. */
        ALL,
        /** Perl's mode 2 (before every write): drop expired entries, then the least recently used until 40% free. */
        MAKE_ROOM
    }

    /**
     * 1.57's expunge: compacts the page, grows the slot table to {@code 2n+1} when it is more than 30% used, and drops
     * entries by mode. With {@code kvBytes >= 0} it does nothing while over 30% of the slots were never used and the
     * entry fits, as Perl does before every write.
     *
     * @param kvBytes key plus value bytes of the coming write, or -1 to expunge unconditionally
     * @param needBytes (Java only) the record that must fit afterwards: eviction goes beyond Perl's 40% when needed
     */
    void expunge(ExpungeMode mode, int kvBytes, int needBytes) {
        if (kvBytes >= 0) {
            double neverUsed = (double) (freeSlots - oldSlots) / numSlots;
            if (neverUsed > 0.3 && freeBytes >= roundUp(RECORD_HEADER_BYTES + (long) kvBytes)) {
                return;
            }
        }
        List<int[]> keep = new ArrayList<>(); // {record offset, rounded length, last access}
        long usedData = 0;
        for (int slot = 0; slot < numSlots; slot++) {
            long offset = slotValue(slot);
            if (offset <= 1) {
                continue;
            }
            int record = checkedRecord(slot, offset);
            if (mode == ExpungeMode.ALL || isExpired(memory.u32(record + 4))) {
                continue;
            }
            int length = (int) roundUp(recordLength(record));
            usedData += length;
            keep.add(new int[] {record, length, (int) memory.u32(record)});
        }
        int newSlots = numSlots;
        if ((double) keep.size() / numSlots > 0.3
                && (dataArea(numSlots) - usedData > 4L * (numSlots + 1) || mode == ExpungeMode.MAKE_ROOM)) {
            long grown = 2L * numSlots + 1;
            // Perl grows even when the table would not fit a small page; that would break its own header check.
            if (HEADER_BYTES + 4 * grown + usedData <= pageSize && grown <= pageSize) {
                newSlots = (int) grown;
            }
        }
        long area = dataArea(newSlots);
        if (mode == ExpungeMode.MAKE_ROOM) {
            keep.sort(Comparator.comparingLong(entry -> Integer.toUnsignedLong(entry[2])));
            long threshold = (long) (0.6 * area);
            int evicted = 0;
            while (evicted < keep.size() && (usedData >= threshold || area - usedData < needBytes)) {
                usedData -= keep.get(evicted)[1];
                evicted++;
            }
            keep = keep.subList(evicted, keep.size());
        }
        rebuild(keep, newSlots, (int) usedData);
    }

    /**
     * Moves the kept records to the start of the (possibly grown) data area, in an order of stores that keeps the page
     * whole for a Perl reader after each single one, since a process may be killed between any two: no slot ever
     * points where its record is not complete, and the header passes 1.57's five checks throughout. Records are
     * unreferenced while they are overwritten, so a process killed midway loses the entries of this page (they are
     * dropped, never read wrong); one killed between a slot store and the count store after it leaves the used-slot
     * count off by one, as a killed Perl process leaves it (only {@code test_file => 1} notices: it wipes the page).
     */
    private void rebuild(List<int[]> keep, int newSlots, int dataBytes) {
        int[] table = new int[newSlots];
        byte[] data = new byte[dataBytes];
        int dataStart = HEADER_BYTES + 4 * newSlots;
        int position = 0;
        for (int[] entry : keep) {
            int record = entry[0];
            long slotHash = memory.u32(record + 8);
            int slot = (int) (slotHash % newSlots);
            while (table[slot] != 0) {
                slot = slot + 1 == newSlots ? 0 : slot + 1;
            }
            table[slot] = dataStart + position;
            memory.copyTo(record, data, position, (int) recordLength(record));
            position += entry[1];
        }
        clearSlots();
        // Nothing points into the data area now: it may be reused, and a grown table takes its first bytes.
        if (newSlots != numSlots) {
            memory.fill(slotOffset(numSlots), 4 * (newSlots - numSlots), (byte) 0);
        }
        setFreeData(dataStart); // before NumSlots grows: FreeData stays at or after the table's end
        // One slot at a time, NumSlots before FreeSlots (FreeSlots <= NumSlots): the used-slot count 1.57's expunge
        // sizes an array with is never off by more than one.
        while (numSlots < newSlots) {
            numSlots++;
            memory.putU32(OFF_NUM_SLOTS, numSlots);
            storeCounts(freeSlots + 1, oldSlots);
        }
        memory.putBytes(dataStart, data); // past FreeData: no slot points there
        setFreeData(dataStart + dataBytes);
        for (int slot = 0; slot < newSlots; slot++) {
            if (table[slot] != 0) {
                memory.putU32(slotOffset(slot), table[slot]); // its record is complete and below FreeData
                storeCounts(freeSlots - 1, oldSlots);
            }
        }
    }

    /**
     * Empties the slot table one slot at a time, each store followed by the counts: a table cleared halfway only ends
     * some probes early (entries are missed, never read wrong), and the records it no longer names stay intact.
     */
    private void clearSlots() {
        int used = 0;
        int deleted = 0;
        for (int slot = 0; slot < numSlots; slot++) {
            long offset = slotValue(slot);
            used += offset > 1 ? 1 : 0;
            deleted += offset == 1 ? 1 : 0;
        }
        if (freeSlots != numSlots - used || oldSlots != deleted) { // a process died between a slot and its counts
            storeCounts(numSlots - used, deleted);
        }
        for (int slot = 0; slot < numSlots; slot++) {
            long offset = slotValue(slot);
            if (offset == 0) {
                continue;
            }
            memory.putU32(slotOffset(slot), 0);
            storeCounts(offset == 1 ? freeSlots : freeSlots + 1, offset == 1 ? oldSlots - 1 : oldSlots);
        }
    }

    /**
     * Stores FreeSlots and OldSlots in one store, kept within 1.57's checks (0 <= OldSlots <= FreeSlots <= NumSlots)
     * even when a process killed between a slot store and its counts left them off by one.
     */
    private void storeCounts(int free, int old) {
        freeSlots = Math.max(0, Math.min(free, numSlots));
        oldSlots = Math.max(0, Math.min(old, freeSlots));
        memory.putPair(OFF_FREE_SLOTS, freeSlots, oldSlots);
    }

    private void setFreeData(int offset) {
        freeData = offset;
        freeBytes = pageSize - offset;
        memory.putPair(OFF_FREE_DATA, freeData, freeBytes);
    }

    /**
     * Linear probe from {@code slotHash % NumSlots}, at most NumSlots visits, as {@code _mmc_find_slot}.
     *
     * @return the key's slot; else (for a write) the first deleted slot passed, or the empty slot that ended the
     *     probe; -1 when every slot was visited and none fits
     */
    private int find(byte[] key, long slotHash, boolean forWrite) {
        int slot = (int) (slotHash % numSlots);
        int firstDeleted = -1;
        for (int left = numSlots; left > 0; left--) {
            long offset = slotValue(slot);
            if (offset == 0) {
                return forWrite && firstDeleted >= 0 ? firstDeleted : slot;
            }
            if (offset == 1) {
                if (firstDeleted < 0) {
                    firstDeleted = slot;
                }
            } else {
                int record = checkedRecord(slot, offset);
                if (memory.u32(record + 16) == key.length && memory.equalsAt(record + RECORD_HEADER_BYTES, key)) {
                    if (memory.u32(record + 8) != slotHash) {
                        throw damaged("slot " + slot + " holds a record whose stored hash " + memory.u32(record + 8)
                                + " is not its key's " + slotHash);
                    }
                    return slot;
                }
            }
            slot = slot + 1 == numSlots ? 0 : slot + 1;
        }
        return forWrite ? firstDeleted : -1;
    }

    /** @return the record offset after checking that it and its lengths lie in the page's used record area */
    private int checkedRecord(int slot, long offset) {
        if (offset % 4 != 0 || offset < HEADER_BYTES + 4L * numSlots || offset + RECORD_HEADER_BYTES > freeData) {
            throw damaged("slot " + slot + " points to offset " + offset + ", outside the record area "
                    + (HEADER_BYTES + 4 * numSlots) + ".." + freeData);
        }
        int record = (int) offset;
        long length = recordLength(record);
        if (record + length > freeData) {
            throw damaged("the record of slot " + slot + " at offset " + record + " claims " + length
                    + " bytes, past the end of the used area at " + freeData);
        }
        // Records tile the used area back to back (deleted ones stay until an expunge), so a record ends where the
        // next begins or at FreeData: a damaged length that still lies inside the area is caught here.
        long next = record + roundUp(length);
        if (next != freeData && (next + RECORD_HEADER_BYTES > freeData || next + roundUp(recordLength((int) next))
                > freeData)) {
            throw damaged("the record of slot " + slot + " at offset " + record + " claims " + length
                    + " bytes, which does not end where a record or the used area (at " + freeData + ") begins");
        }
        return record;
    }

    private long recordLength(int record) {
        return RECORD_HEADER_BYTES + memory.u32(record + 16) + memory.u32(record + 20);
    }

    private long slotValue(int slot) {
        return memory.u32(slotOffset(slot));
    }

    private static int slotOffset(int slot) {
        return HEADER_BYTES + 4 * slot;
    }

    private long dataArea(int slots) {
        return pageSize - HEADER_BYTES - 4L * slots;
    }

    private boolean isExpired(long expireOn) {
        return expireOn != 0 && nowSeconds >= expireOn;
    }

    /** 1.63's rule, kept for files shared with 1.63 processes: an unexpired tombstone refuses a plain store. */
    private void refuseOverTombstone(long record, long flags) {
        long oldFlags = memory.u32((int) record + 12);
        if ((oldFlags & FC_TOMBSTONE) != 0 && (flags & FC_HASMODSEQ) == 0
                && !isExpired(memory.u32((int) record + 4))) {
            throw new FastMmapException(file + ": page " + pageIndex + ": the key was removed with a modseq by a "
                    + "Cache::FastMmap 1.63 process (a tombstone); a plain store is refused until the tombstone "
                    + "expires, as Perl refuses it");
        }
    }

    static long roundUp(long length) {
        return (length + 3) & ~3L;
    }

    private CacheCorruptedException damaged(String what) {
        return new CacheCorruptedException(file + ": page " + pageIndex + " (bytes " + (long) pageIndex * pageSize
                + ".." + ((long) pageIndex * pageSize + pageSize - 1) + ") is damaged: " + what + ". Nothing was read "
                + "or changed. Perl croaks on such a page too. Re-initialise the damaged pages with "
                + "Cache::FastMmap's test_file => 1, or delete the file when no process has it open.");
    }

    private static String hex(long value) {
        return String.format("0x%08X", value);
    }

    static byte[] copy(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length);
    }
}
