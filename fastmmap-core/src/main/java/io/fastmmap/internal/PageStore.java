package io.fastmmap.internal;

import static io.fastmmap.internal.PageFormat.ACCESS_TICK_OFFSET;
import static io.fastmmap.internal.PageFormat.CHECKSUM_OFFSET;
import static io.fastmmap.internal.PageFormat.EXPIRE_AT_OFFSET;
import static io.fastmmap.internal.PageFormat.FLAGS_OFFSET;
import static io.fastmmap.internal.PageFormat.FREE_OFFSET;
import static io.fastmmap.internal.PageFormat.GARBAGE_BYTES_OFFSET;
import static io.fastmmap.internal.PageFormat.KEY_LENGTH_OFFSET;
import static io.fastmmap.internal.PageFormat.LIVE_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.LOGICAL_PAGE_OFFSET;
import static io.fastmmap.internal.PageFormat.PREVIOUS_PHYSICAL_OFFSET;
import static io.fastmmap.internal.PageFormat.RECORD_HEADER_BYTES;
import static io.fastmmap.internal.PageFormat.SLOT_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.TOMBSTONE;
import static io.fastmmap.internal.PageFormat.TOMBSTONE_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.VALUE_LENGTH_OFFSET;

import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/*
 * Design notes.
 *
 * Layout: see PageFormat (a physical page), PageDirectory (per logical page: lock, marker, which physical page)
 * and SpareTable.
 *
 * Locking: every method here runs with the logical page locked by the caller (Engine), except the static-size
 * helpers. Nothing here blocks except SparePages.take, which waits for a spare page to come free.
 *
 * Crash safety: a mutation sets the page's in-progress marker before its first store and clears it after its
 * last. In-place mutations (append, remove) change exactly one slot word to switch between the old and the new
 * state; everything else they write is either unreachable before that store or derived counters. Compaction
 * never writes the page it reads: it builds a new image in a spare physical page and switches the directory
 * entry in one store (SparePages runs the spare table's side). A locker that finds the marker set calls recover():
 * it settles the spare pages the dead holder took and rebuilds the page from every record that passes its bounds
 * and checksum checks. So after any crash every key of the page reads as it was, and the key in flight as its old
 * or its new value.
 *
 * Eviction: only in compaction, when the page lacks room. Expired records go first (counted as expirations), then
 * the least recently used by the page's logical clock (counted as evictions), until the new record fits with a
 * little slack so the next writes do not compact again at once.
 *
 * JVM-local state: only the slot-count hints of find(), a speed hint that is never trusted (see slotMaskHints).
 */
final class PageStore {
    static final int FULL = Integer.MIN_VALUE;
    private static final int REBASE_AT = 1 << 30;
    private static final int REBASE_BY = 1 << 29;

    enum Mode { NORMAL, PURGE, CLEAR, REPAIR }

    private final SharedMemory memory;
    private final FileLayout layout;
    private final Path file;
    private final Placement placement;
    private final int pageSize;
    private final int pageCount;
    private final int physicalCount;
    private final long directoryOffset;
    private final SparePages spares;
    private final PageLocks locks;
    /**
     * Each page's slot mask (slot count - 1) as this JVM last saw it; 0 at first, which names slot 0, present in every
     * page. A speed hint only: {@link #find} loads the key's first slot at the hinted position before the page header
     * holding the real count has arrived, so the header's cache miss and the slot's overlap instead of following each
     * other. It is never trusted: the word is used only when the header's count agrees, so a stale hint (another
     * process compacted the page to another size) costs one more load inside the page. Only masks of valid slot
     * counts are stored, so the early load always lies inside the page. Written without synchronization: a lost or
     * late update is just a stale hint.
     */
    private final int[] slotMaskHints;

    PageStore(SharedMemory memory, FileLayout layout, Path file, long hashSeed, PageLocks locks) {
        this.memory = memory;
        this.layout = layout;
        this.file = file;
        Geometry geometry = layout.geometry();
        this.pageSize = geometry.pageSizeBytes();
        this.pageCount = geometry.pageCount();
        this.placement = new Placement(hashSeed, pageCount);
        this.physicalCount = geometry.physicalPageCount();
        this.directoryOffset = layout.directoryOffset();
        this.spares = new SparePages(memory, layout, file, locks, this::recoverIfInterrupted);
        this.locks = locks;
        this.slotMaskHints = new int[pageCount];
    }

    /** @return how keys map to pages in this file */
    Placement placement() {
        return placement;
    }

    long directoryEntry(int page) {
        return PageDirectory.entryOffset(directoryOffset, page);
    }

    /** @return the spare pages, for the spare table's checks */
    SparePages spares() {
        return spares;
    }

    // ---------------------------------------------------------------- initialisation (new file, not yet shared)

    void initialiseNewFile() {
        for (int page = 0; page < pageCount; page++) {
            long entry = directoryEntry(page);
            memory.putInt(entry + PageDirectory.PHYSICAL_PAGE_OFFSET, page);
            writeEmptyPage(layout.physicalPageOffset(page), page, PageFormat.MIN_SLOT_COUNT * 8);
            memory.putInt(entry + PageDirectory.FREE_CHECK_OFFSET,
                    ~PageFormat.dataStart(PageFormat.MIN_SLOT_COUNT * 8));
        }
        spares.initialise();
    }

    private void writeEmptyPage(long base, int logicalPage, int slotCount) {
        memory.zero(base, PageFormat.dataStart(slotCount));
        memory.putInt(base + PageFormat.MAGIC_OFFSET, PageFormat.MAGIC);
        memory.putInt(base + SLOT_COUNT_OFFSET, slotCount);
        memory.putInt(base + FREE_OFFSET, PageFormat.dataStart(slotCount));
        memory.putInt(base + LOGICAL_PAGE_OFFSET, logicalPage);
        memory.putInt(base + PREVIOUS_PHYSICAL_OFFSET, -1);
        sealFreeSpace(base, PageFormat.dataStart(slotCount));
    }

    // ---------------------------------------------------------------- validated access to the current page

    PageDamage damageAt(int page, String what) {
        return damage(page, what);
    }

    private PageDamage damage(int page, String what) {
        return new PageDamage(file + ": page " + page + ": " + what
                + "; the page is rebuilt from its intact entries when next locked");
    }

    /** @return the file offset of the physical page now holding {@code page}, after checking its header */
    long pageBase(int page) {
        int physical = memory.getInt(directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
        if (!isPhysicalPage(physical)) {
            throw damage(page, "directory names physical page " + physical + " of " + physicalCount);
        }
        long base = layout.physicalPageOffset(physical);
        if (memory.getInt(base) != PageFormat.MAGIC || memory.getInt(base + LOGICAL_PAGE_OFFSET) != page) {
            throw damage(page, "physical page " + physical + " has a bad magic or belongs to page "
                    + memory.getInt(base + LOGICAL_PAGE_OFFSET));
        }
        int slots = checkedSlotCount(page, memory.getInt(base + SLOT_COUNT_OFFSET));
        int free = memory.getInt(base + FREE_OFFSET);
        // Alignment too: a record appended at an unaligned offset would fail its own bounds check on the next
        // read and be dropped by repair, losing a write that was acknowledged (BitFlipTest found this).
        if (free < PageFormat.dataStart(slots) || free > pageSize || (free & (PageFormat.RECORD_ALIGNMENT - 1)) != 0) {
            throw damage(page, "free offset " + free + " lies outside the data area or is not 8-byte aligned");
        }
        // A free offset moved back over live records would let the next write overwrite them (BitFlipTest).
        if (memory.getInt(directoryEntry(page) + PageDirectory.FREE_CHECK_OFFSET) != ~free) {
            throw damage(page, "free offset " + free + " disagrees with its check copy in the directory");
        }
        return base;
    }

    private int checkedSlotCount(int page, int slots) {
        if (!validSlotCount(slots)) {
            throw damage(page, "slot count " + slots + " is impossible for a " + pageSize + "-byte page");
        }
        return slots;
    }

    private boolean validSlotCount(int slots) {
        return slots >= PageFormat.MIN_SLOT_COUNT && Integer.bitCount(slots) == 1
                && PageFormat.dataStart(slots) <= pageSize;
    }

    private static long slotAddress(long base, int index) {
        return base + PageFormat.HEADER_BYTES + (long) index * PageFormat.SLOT_BYTES;
    }

    /**
     * Checks that a record lies inside the used data area, before the page's free offset; returns its key length.
     * Not the whole page: past the free offset lie the records of the images this physical page held before (a page
     * alternates between two physical pages as it is compacted), older values of the same keys with valid
     * checksums, which a damaged slot offset would otherwise serve (issue 19).
     */
    private int checkRecord(int page, long base, int slots, int offset) {
        return checkRecord(page, base, slots, offset, memory.getInt(base + FREE_OFFSET));
    }

    /** @param usedEnd where the used data area ends: a record must end at or before it */
    private int checkRecord(int page, long base, int slots, int offset, int usedEnd) {
        if (offset < PageFormat.dataStart(slots) || (offset & (PageFormat.RECORD_ALIGNMENT - 1)) != 0
                || offset > Math.min(pageSize, usedEnd) - RECORD_HEADER_BYTES) {
            throw damage(page, "a slot points at offset " + offset + ", outside the used data area (which ends at "
                    + usedEnd + ")");
        }
        int keyLength = memory.getShort(base + offset + KEY_LENGTH_OFFSET);
        long valueLength = Integer.toUnsignedLong(memory.getInt(base + offset + VALUE_LENGTH_OFFSET));
        if (offset + RECORD_HEADER_BYTES + keyLength + valueLength > Math.min(pageSize, usedEnd)) {
            throw damage(page, "the record at offset " + offset + " claims " + keyLength + " key and "
                    + valueLength + " value bytes, past the used data area (which ends at " + usedEnd + ")");
        }
        return keyLength;
    }

    /**
     * Where repair may take records from: up to the free offset, read from the page header or from its check copy in
     * the directory, whichever is larger (a crash between the two stores of an append leaves the header ahead; one
     * damaged copy is outvoted), plus the one record that starts exactly there, the append in flight when a holder
     * died after its slot's commit and before the free offset's store. Anything else past it is history.
     *
     * @return the end of the used data area, for {@link #salvagedRecord}
     */
    int salvageBound(int page, long base, int slots) {
        int header = memory.getInt(base + FREE_OFFSET);
        int check = ~memory.getInt(directoryEntry(page) + PageDirectory.FREE_CHECK_OFFSET);
        int bound = -1;
        for (int free : new int[] {header, check}) {
            if (free >= PageFormat.dataStart(slots) && free <= pageSize
                    && (free & (PageFormat.RECORD_ALIGNMENT - 1)) == 0) {
                bound = Math.max(bound, free);
            }
        }
        return bound < 0 ? pageSize : bound; // both damaged: more than one fault; keep what checksums vouch for
    }

    /** Repair's record check: inside the used area, or the one record starting at its end (see salvageBound). */
    int salvagedRecord(int page, long base, int slots, int offset, int usedEnd) {
        return checkRecord(page, base, slots, offset, offset == usedEnd ? pageSize : usedEnd);
    }

    /**
     * Makes the bytes at the free offset unreadable as a record: the one place past the used area that repair still
     * reads (see salvageBound), and where an older image of this physical page may have left a valid record. The
     * value length -1 fails every bounds check. Written before the commit that exposes the new free offset.
     */
    private void sealFreeSpace(long base, long free) {
        if (free <= pageSize - RECORD_HEADER_BYTES) {
            memory.putInt(base + free + VALUE_LENGTH_OFFSET, -1);
        }
    }

    /**
     * Inverts the checksum of a record no slot names any more, right after the slot stopped naming it. Left valid, a
     * superseded or removed record would come back if damage ever pointed a slot at it (a flipped offset bit), as
     * the old value of its key or a removed key; inverted, it fails its check like any damage. A crash before this
     * store leaves the valid but unreachable record of before, nothing worse.
     */
    private void retire(long base, int offset) {
        memory.putInt(base + offset + CHECKSUM_OFFSET, ~memory.getInt(base + offset + CHECKSUM_OFFSET));
    }

    private int recordBytesAt(long base, int offset) {
        int keyLength = memory.getShort(base + offset + KEY_LENGTH_OFFSET);
        int valueLength = memory.getInt(base + offset + VALUE_LENGTH_OFFSET);
        return (int) PageFormat.recordBytes(keyLength, valueLength);
    }

    /**
     * @return the slot index holding {@code key}; else {@code -1 - i} where {@code i} is the slot a new entry
     *     should take; or {@link #FULL} when every slot is in use
     */
    int find(int page, long base, byte[] key, int tag) {
        int hintedMask = slotMaskHints[page];
        long firstSlot = memory.getLong(slotAddress(base, tag & hintedMask)); // needs no header: see slotMaskHints
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        if (slots - 1 != hintedMask) {
            slotMaskHints[page] = checkedSlotCount(page, slots) - 1;
            firstSlot = memory.getLong(slotAddress(base, tag & (slots - 1)));
        }
        int mask = slots - 1;
        int index = tag & mask;
        int firstTombstone = -1;
        for (int probes = 0; probes < slots; probes++) {
            long slot = probes == 0 ? firstSlot : memory.getLong(slotAddress(base, index));
            if (slot == PageFormat.EMPTY) {
                return -1 - (firstTombstone >= 0 ? firstTombstone : index);
            }
            int offset = PageFormat.slotOffset(slot);
            if (PageFormat.namesRecord(offset)) {
                if (PageFormat.slotTag(slot) == tag && checkRecord(page, base, slots, offset) == key.length
                        && memory.equalsArray(base + offset + RECORD_HEADER_BYTES, key)) {
                    return index;
                }
            } else if (offset == 0) {
                // Taken for empty, it would hide the keys behind it until a new key filled it (BitFlipTest).
                throw damage(page, "slot " + index + " has a tag but no record offset");
            } else if (firstTombstone < 0) {
                firstTombstone = index;
            }
            index = (index + 1) & mask;
        }
        return firstTombstone >= 0 ? -1 - firstTombstone : FULL;
    }

    int recordOffset(long base, int slotIndex) {
        return PageFormat.slotOffset(memory.getLong(slotAddress(base, slotIndex)));
    }

    long expireAtMillis(long base, int offset) {
        return memory.getLong(base + offset + EXPIRE_AT_OFFSET);
    }

    int flags(long base, int offset) {
        return memory.getShort(base + offset + FLAGS_OFFSET);
    }

    /**
     * The expiry rule, kept in this one place: a record expires once the wall clock reaches its expiry time; 0 means
     * never. The clock is asked only for a record that can expire, so a read of an entry without a time to live (most
     * session reads) needs no clock at all. Pass a supplier that already exists ({@code clock::millis} held in a
     * field, or one per scan): creating one per call would allocate on the hot path.
     */
    boolean isExpired(long base, int offset, LongSupplier nowMillis) {
        long expireAt = expireAtMillis(base, offset);
        return expireAt != 0 && nowMillis.getAsLong() >= expireAt;
    }

    /**
     * @return a clock stopped at {@code nowMillis}, for scans and compactions, which read the time once for all
     *     their records (one lambda class for all of them: with the engine's {@code clock::millis}, the call in
     *     {@link #isExpired} sees two classes in most JVMs, which the JIT still inlines)
     */
    static LongSupplier stoppedAt(long nowMillis) {
        return () -> nowMillis;
    }

    /** Reads and verifies the value of a found record, and marks it used. */
    byte[] readValue(int page, long base, int offset, byte[] key) {
        byte[] value = peekValue(page, base, offset, key);
        touch(page, base, offset);
        return value;
    }

    /**
     * Reads and verifies the value of a found record without writing anything. The length is checked again here:
     * a reader without the lock may see the record change after {@link #find} checked it.
     */
    byte[] peekValue(int page, long base, int offset, byte[] key) {
        int valueLength = memory.getInt(base + offset + VALUE_LENGTH_OFFSET);
        if (valueLength < 0 || valueLength > pageSize - offset - RECORD_HEADER_BYTES - key.length) {
            throw damage(page, "the record at offset " + offset + " claims " + valueLength + " value bytes");
        }
        byte[] value = new byte[valueLength];
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES + key.length, value, 0, valueLength);
        int expected = checksum(key, value, memory.getLong(base + offset + EXPIRE_AT_OFFSET),
                memory.getShort(base + offset + FLAGS_OFFSET));
        if (expected != memory.getInt(base + offset + CHECKSUM_OFFSET)) {
            throw damage(page, "the record at offset " + offset + " fails its checksum");
        }
        return value;
    }

    static int checksum(byte[] key, byte[] value, long expireAtMillis, int flags) {
        CRC32C crc = new CRC32C();
        crc.update(key, 0, key.length);
        crc.update(value, 0, value.length);
        return PageFormat.checksum((int) crc.getValue(), expireAtMillis, value.length, key.length, flags);
    }

    /** Stamps a record with the page's next logical clock tick: the least recently used has the smallest. */
    void touch(int page, long base, int offset) {
        int tick = nextTick(page);
        memory.putInt(base + offset + ACCESS_TICK_OFFSET, tick);
        if (tick >= REBASE_AT) {
            rebaseClock(page, base);
        }
    }

    private int nextTick(int page) {
        long clockAddress = directoryEntry(page) + PageDirectory.ACCESS_CLOCK_OFFSET;
        int tick = memory.getInt(clockAddress) + 1;
        memory.putInt(clockAddress, tick);
        return tick;
    }

    /**
     * Keeps ticks far from overflow on pages that are read for billions of calls without being compacted. A crash
     * halfway only blurs the LRU order of a few entries, so this needs no marker. It never throws for damage: it runs
     * after an append's commit, and damage reported there made the engine repair the page and run the whole
     * operation again, an update function too (issue 19). A record failing its bounds check is skipped; the lookup
     * or compaction that next meets it reports it.
     */
    private void rebaseClock(int page, long base) {
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        int free = memory.getInt(base + FREE_OFFSET);
        for (int i = 0; i < slots; i++) {
            int offset = PageFormat.slotOffset(memory.getLong(slotAddress(base, i)));
            if (PageFormat.namesRecord(offset) && offset >= PageFormat.dataStart(slots)
                    && (offset & (PageFormat.RECORD_ALIGNMENT - 1)) == 0
                    && offset <= Math.min(pageSize, free) - RECORD_HEADER_BYTES) {
                memory.putInt(base + offset + ACCESS_TICK_OFFSET,
                        Math.max(0, memory.getInt(base + offset + ACCESS_TICK_OFFSET) - REBASE_BY));
            }
        }
        long clockAddress = directoryEntry(page) + PageDirectory.ACCESS_CLOCK_OFFSET;
        memory.putInt(clockAddress, memory.getInt(clockAddress) - REBASE_BY);
    }

    // ---------------------------------------------------------------- mutations

    private void beginMutation(int page, int operation) {
        memory.putIntVolatile(directoryEntry(page) + PageDirectory.OPERATION_OFFSET, operation);
        VarHandle.storeStoreFence(); // the marker must be in memory before the first change it guards
    }

    private void endMutation(int page) {
        memory.putIntRelease(directoryEntry(page) + PageDirectory.OPERATION_OFFSET, PageDirectory.OP_IDLE);
    }

    boolean interrupted(int page) {
        return memory.getIntVolatile(directoryEntry(page) + PageDirectory.OPERATION_OFFSET) != PageDirectory.OP_IDLE;
    }

    /** Stores {@code value} under {@code key}, appending in place when it fits, else compacting. */
    void put(int page, byte[] key, int tag, byte[] value, long expireAtMillis, long nowMillis) {
        put(page, key, tag, value, expireAtMillis, 0, nowMillis, null);
    }

    /**
     * @param flags the record's flag bits ({@link PageFormat#FLAG_DIRTY} and the value-encoding bits)
     * @param droppedDirty when not null, receives a copy of every dirty record a compaction drops (evicted or
     *     expired), so its value can be written back once the page is unlocked
     */
    void put(int page, byte[] key, int tag, byte[] value, long expireAtMillis, int flags, long nowMillis,
            java.util.List<PageScan.Entry> droppedDirty) {
        long base = pageBase(page);
        int found = find(page, base, key, tag);
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        int free = memory.getInt(base + FREE_OFFSET);
        long recordBytes = PageFormat.recordBytes(key.length, value.length);
        if (found != FULL && free + recordBytes <= pageSize) {
            if (found >= 0) {
                append(page, base, found, key, tag, value, expireAtMillis, flags, free, recordBytes);
                return;
            }
            int target = -1 - found;
            boolean reusesTombstone = PageFormat.isTombstone(recordOffset(base, target));
            int used = memory.getInt(base + LIVE_COUNT_OFFSET) + memory.getInt(base + TOMBSTONE_COUNT_OFFSET);
            if (reusesTombstone || (used + 1L) * 4 <= slots * 3L) {
                append(page, base, target, key, tag, value, expireAtMillis, flags, free, recordBytes);
                return;
            }
        }
        compact(page, Mode.NORMAL, found >= 0 ? found : -1, new NewRecord(key, tag, value, expireAtMillis, flags),
                nowMillis, droppedDirty);
    }

    private void append(int page, long base, int slotIndex, byte[] key, int tag, byte[] value,
            long expireAtMillis, int flags, int free, long recordBytes) {
        long slotAddress = slotAddress(base, slotIndex);
        long oldSlot = memory.getLong(slotAddress);
        int oldOffset = PageFormat.slotOffset(oldSlot);
        beginMutation(page, PageDirectory.OP_INSERT);
        int tick = nextTick(page);
        writeRecord(base + free, key, value, expireAtMillis, flags, tick);
        sealFreeSpace(base, free + recordBytes);
        commitSlot(slotAddress, PageFormat.slot(tag, free));
        memory.putInt(base + FREE_OFFSET, (int) (free + recordBytes));
        memory.putInt(directoryEntry(page) + PageDirectory.FREE_CHECK_OFFSET, ~(int) (free + recordBytes));
        if (PageFormat.namesRecord(oldOffset)) {
            retire(base, oldOffset);
            addInt(base + GARBAGE_BYTES_OFFSET, recordBytesAt(base, oldOffset));
        } else {
            addInt(base + LIVE_COUNT_OFFSET, 1);
            if (PageFormat.isTombstone(oldOffset)) {
                addInt(base + TOMBSTONE_COUNT_OFFSET, -1);
            }
        }
        endMutation(page);
        if (tick >= REBASE_AT) {
            rebaseClock(page, base); // after the commit, so the new record's tick is rebased too
        }
    }

    /**
     * The commit point of an in-place mutation: one store of the slot word, fenced on both sides. The release orders
     * everything before it (the new record, the seal at the new free offset) before the slot, so a slot never names a
     * record not fully written. The store-store fence after it orders the slot before everything after it, above
     * all {@link #retire}: a plain store after a release store may otherwise be moved before it (by the JIT, or by a
     * weakly ordered CPU), and a crash in that window left the slot naming a retired record, so the key read absent,
     * neither its old value nor its new one (issue 19, item 11). The two sides pair with recovery, which sees either
     * the old slot with an intact old record or the new slot, never a retired record still named. Compaction's commit
     * (the directory entry) is fenced the same way.
     */
    private void commitSlot(long slotAddress, long word) {
        memory.putLongRelease(slotAddress, word);
        VarHandle.storeStoreFence();
    }

    private void writeRecord(long at, byte[] key, byte[] value, long expireAtMillis, int flags, int tick) {
        memory.putInt(at + ACCESS_TICK_OFFSET, tick);
        memory.putInt(at + CHECKSUM_OFFSET, checksum(key, value, expireAtMillis, flags));
        memory.putLong(at + EXPIRE_AT_OFFSET, expireAtMillis);
        memory.putInt(at + VALUE_LENGTH_OFFSET, value.length);
        memory.putShort(at + KEY_LENGTH_OFFSET, key.length);
        memory.putShort(at + FLAGS_OFFSET, flags);
        memory.copyFromArray(key, 0, at + RECORD_HEADER_BYTES, key.length);
        memory.copyFromArray(value, 0, at + RECORD_HEADER_BYTES + key.length, value.length);
    }

    private void addInt(long address, int delta) {
        memory.putInt(address, memory.getInt(address) + delta);
    }

    private void addLong(long address, long delta) {
        memory.putLong(address, memory.getLong(address) + delta);
    }

    /** Turns the slot into a tombstone: one store switches the key from present to absent. */
    void removeSlot(int page, long base, int slotIndex) {
        int offset = recordOffset(base, slotIndex);
        beginMutation(page, PageDirectory.OP_REMOVE);
        commitSlot(slotAddress(base, slotIndex), TOMBSTONE);
        retire(base, offset);
        addInt(base + LIVE_COUNT_OFFSET, -1);
        addInt(base + TOMBSTONE_COUNT_OFFSET, 1);
        addInt(base + GARBAGE_BYTES_OFFSET, recordBytesAt(base, offset));
        endMutation(page);
    }

    /** Drops expired entries (PURGE) or all entries (CLEAR) of one page. */
    void sweep(int page, Mode mode, long nowMillis) {
        sweep(page, mode, nowMillis, null);
    }

    /** Like {@link #sweep(int, Mode, long)}, handing every dirty record dropped to {@code droppedDirty}. */
    void sweep(int page, Mode mode, long nowMillis, java.util.List<PageScan.Entry> droppedDirty) {
        long base = pageBase(page);
        if (mode == Mode.PURGE && !hasExpired(page, base, nowMillis)) {
            return;
        }
        if (mode == Mode.CLEAR && memory.getInt(base + FREE_OFFSET) == PageFormat.dataStart(
                memory.getInt(base + SLOT_COUNT_OFFSET))) {
            return;
        }
        compact(page, mode, -1, null, nowMillis, droppedDirty);
    }

    private boolean hasExpired(int page, long base, long nowMillis) {
        LongSupplier now = stoppedAt(nowMillis);
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        for (int i = 0; i < slots; i++) {
            int offset = recordOffset(base, i);
            if (PageFormat.namesRecord(offset)) {
                checkRecord(page, base, slots, offset);
                if (isExpired(base, offset, now)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- compaction (copy-on-write)

    record NewRecord(byte[] key, int tag, byte[] value, long expireAtMillis, int flags) {
        long bytes() {
            return PageFormat.recordBytes(key.length, value.length);
        }
    }

    private void compact(int page, Mode mode, int droppedSlot, NewRecord added, long nowMillis,
            java.util.List<PageScan.Entry> droppedDirty) {
        beginMutation(page, PageDirectory.OP_COMPACT);
        int current = memory.getInt(directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
        rebuild(page, current, mode, droppedSlot, added, nowMillis, droppedDirty);
        endMutation(page);
    }

    /** Collects the records to keep from physical page {@code current} and commits a new image of them. */
    private void rebuild(int page, int current, Mode mode, int droppedSlot, NewRecord added, long nowMillis,
            java.util.List<PageScan.Entry> droppedDirty) {
        long base = layout.physicalPageOffset(current);
        Survivors survivors = mode == Mode.REPAIR
                ? Survivors.salvage(this, page, base, nowMillis)
                : Survivors.collect(this, page, base, mode, droppedSlot, nowMillis);
        long extraBytes = added == null ? 0 : added.bytes();
        int extraCount = added == null ? 0 : 1;
        int slotCount = survivors.fit(pageSize, extraBytes, extraCount);
        if (droppedDirty != null) {
            PageScan.copyDirty(this, base, survivors.droppedOffsets(), droppedDirty);
        }
        int spare = spares.take(page);
        long spareWord = spares.checked(page, current, spare);
        int target = SpareTable.physicalPage(spareWord);
        long targetBase = layout.physicalPageOffset(target);
        writeEmptyPage(targetBase, page, slotCount);
        memory.putInt(targetBase + PREVIOUS_PHYSICAL_OFFSET, current);
        int mask = slotCount - 1;
        int at = PageFormat.dataStart(slotCount);
        int tick = 0;
        for (int i : survivors.keptInLruOrder()) {
            int bytes = survivors.bytes(i);
            memory.copy(survivors.sourceBase() + survivors.offset(i), targetBase + at, bytes);
            memory.putInt(targetBase + at + ACCESS_TICK_OFFSET, ++tick);
            insertSlot(targetBase, mask, survivors.tag(i), at);
            at += bytes;
        }
        if (added != null) {
            writeRecord(targetBase + at, added.key(), added.value(), added.expireAtMillis(), added.flags(), ++tick);
            insertSlot(targetBase, mask, added.tag(), at);
            at += (int) added.bytes();
        }
        memory.putInt(targetBase + FREE_OFFSET, at);
        sealFreeSpace(targetBase, at);
        memory.putInt(targetBase + LIVE_COUNT_OFFSET, tick);
        VarHandle.storeStoreFence(); // the image must be complete before the directory names it
        long entry = directoryEntry(page);
        memory.putIntVolatile(entry + PageDirectory.PHYSICAL_PAGE_OFFSET, target); // the commit point
        VarHandle.storeStoreFence(); // before the old page is disowned and released (see commitSlot)
        memory.putInt(entry + PageDirectory.FREE_CHECK_OFFSET, ~at);
        memory.putInt(entry + PageDirectory.ACCESS_CLOCK_OFFSET, tick);
        spares.giveBack(page, spare, spareWord, current);
        addLong(entry + PageDirectory.EVICTION_COUNT_OFFSET, survivors.evictedCount());
        addLong(entry + PageDirectory.PROTECTED_EVICTION_COUNT_OFFSET, survivors.protectedEvictedCount());
        addLong(entry + PageDirectory.EXPIRATION_COUNT_OFFSET, survivors.expiredCount());
    }

    private void insertSlot(long base, int mask, int tag, int offset) {
        int index = tag & mask;
        // Bounded although a fresh image always has empty slots: on Java 17, a read of a mapping whose file was
        // truncated underneath returns garbage until the fault's InternalError is delivered, and an unbounded
        // probe spun forever on it (HostileFileTest found this).
        for (int probes = 0; memory.getLong(slotAddress(base, index)) != PageFormat.EMPTY; probes++) {
            if (probes > mask) {
                throw new io.fastmmap.CacheCorruptedException(file + ": page "
                        + (memory.getInt(base + LOGICAL_PAGE_OFFSET))
                        + ": no empty slot in a freshly built page image: the mapping no longer reads back what was "
                        + "written (was the file truncated?); recreate the file");
            }
            index = (index + 1) & mask;
        }
        memory.putLong(slotAddress(base, index), PageFormat.slot(tag, offset));
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Brings a page whose previous holder died mid-mutation (or that failed a check) back to a consistent state:
     * settles the spare pages it owns, then rebuilds it from every intact record.
     */
    void recover(int page) {
        locks.refuseIfTruncated();
        long entry = directoryEntry(page);
        boolean interrupted = interrupted(page);
        memory.putIntVolatile(entry + PageDirectory.OPERATION_OFFSET, PageDirectory.OP_COMPACT);
        VarHandle.storeStoreFence();
        spares.settle(page);
        int current = memory.getInt(entry + PageDirectory.PHYSICAL_PAGE_OFFSET);
        spares.releaseFrom(page, current);
        if (!spares.isOwnLivePage(page, current) && !spares.isUnshared(current, page, -1)) {
            int own = spares.ownUnnamedImage(page);
            if (own >= 0) {
                current = own;
                memory.putIntVolatile(entry + PageDirectory.PHYSICAL_PAGE_OFFSET, current);
            } else {
                current = spares.orphanPhysicalPage(page, -1);
                memory.putIntVolatile(entry + PageDirectory.PHYSICAL_PAGE_OFFSET, current);
                writeEmptyPage(layout.physicalPageOffset(current), page, PageFormat.MIN_SLOT_COUNT);
            }
        }
        rebuild(page, current, Mode.REPAIR, -1, null, Long.MIN_VALUE, null);
        addLong(entry + PageDirectory.REPAIR_COUNT_OFFSET, 1);
        long evictions = memory.getLong(entry + PageDirectory.EVICTION_COUNT_OFFSET);
        long protectedEvictions = memory.getLong(entry + PageDirectory.PROTECTED_EVICTION_COUNT_OFFSET);
        if (protectedEvictions < 0 || Long.compareUnsigned(protectedEvictions, evictions) > 0) {
            memory.putLong(entry + PageDirectory.PROTECTED_EVICTION_COUNT_OFFSET, evictions); // a part, never more
        }
        endMutation(page);
        EngineWarnings.warn(file, EngineWarnings.Kind.PAGE_REPAIR, () -> "repaired page " + page + ", which "
                + (interrupted ? "a process left in the middle of changing it when it died: every intact entry is "
                        + "kept, the one being changed reads as its old or new value. Nothing to do by hand; find "
                        + "out why the process died"
                        : "failed a check: intact entries are kept, damaged ones dropped (never served). Something "
                        + "other than this library may have written the file: run `fastmmap verify " + file
                        + "`, check the disk, and what else opens the file")
                + " (cache.page.repairs counts these)");
    }

    /** For {@link SparePages}, holding the lock of a page whose holder died: repairs it if it died mid-mutation. */
    private boolean recoverIfInterrupted(int page) {
        if (!interrupted(page)) {
            return false;
        }
        recover(page);
        return true;
    }

    // ---------------------------------------------------------------- for Survivors and statistics

    SharedMemory memory() {
        return memory;
    }

    int pageSize() {
        return pageSize;
    }

    int checkedRecord(int page, long base, int slots, int offset) {
        return checkRecord(page, base, slots, offset);
    }

    /**
     * Which slots a lookup can reach: those with no empty slot between their key's home slot (the tag's) and
     * themselves. One pass over the table, where walking each slot's probe path from its home slot again was
     * quadratic, and a forged page of 65,536 clustered slots held its lock for seconds in a compaction.
     *
     * @return per slot, whether an empty slot lies before it on its probe path (false) or not (true); meaningful
     *     for slots that name records
     */
    boolean[] reachableSlots(long base, int slots) {
        int mask = slots - 1;
        boolean[] reachable = new boolean[slots];
        int empty = -1;
        for (int i = 0; i < slots && empty < 0; i++) {
            empty = memory.getLong(slotAddress(base, i)) == PageFormat.EMPTY ? i : -1;
        }
        if (empty < 0) {
            java.util.Arrays.fill(reachable, true); // no empty slot anywhere: every probe path is unbroken
            return reachable;
        }
        int runStart = (empty + 1) & mask; // the first slot after the last empty one
        for (int step = 1; step <= slots; step++) {
            int index = (empty + step) & mask;
            long slot = memory.getLong(slotAddress(base, index));
            if (slot == PageFormat.EMPTY) {
                runStart = (index + 1) & mask;
                continue;
            }
            int home = PageFormat.slotTag(slot) & mask;
            reachable[index] = ((index - home) & mask) <= ((index - runStart) & mask);
        }
        return reachable;
    }

    /**
     * Bounds-checks every record the page's slots name, and refuses records that share bytes, as
     * {@link PageVerifier} reports them: no two slots of a sound page name one record, and no record overlaps
     * another. Called before any value is copied, so a forged page whose 65,536 slots all name one large record
     * cannot make a scan or a compaction copy it 65,536 times (issue 19).
     */
    void checkNamedRecords(int page, long base, int slots) {
        long[] extents = new long[slots];
        int named = 0;
        for (int i = 0; i < slots; i++) {
            int offset = recordOffset(base, i);
            if (PageFormat.namesRecord(offset)) {
                checkRecord(page, base, slots, offset);
                extents[named++] = ((long) offset << 32) | (offset + recordBytesAt(base, offset));
            }
        }
        checkDisjoint(page, extents, named);
    }

    private void checkDisjoint(int page, long[] extents, int count) {
        java.util.Arrays.sort(extents, 0, count); // each: the record's offset in the high half, its end in the low
        for (int i = 1; i < count; i++) {
            int offset = (int) (extents[i] >>> 32);
            int previousEnd = (int) extents[i - 1];
            if (offset < previousEnd) {
                throw damage(page, "two slots name records that share bytes (offsets " + (int) (extents[i - 1] >>> 32)
                        + " and " + offset + ")");
            }
        }
    }

    /** @return whether {@code physical}, a page number read from the file, names one of its physical pages */
    boolean isPhysicalPage(int physical) {
        return physical >= 0 && physical < physicalCount;
    }

    /** @return evictions, expirations, page repairs, lock recoveries and protected evictions, summed over all pages */
    long[] sharedCounters() {
        return new long[] {sumCounter(PageDirectory.EVICTION_COUNT_OFFSET),
                sumCounter(PageDirectory.EXPIRATION_COUNT_OFFSET), sumCounter(PageDirectory.REPAIR_COUNT_OFFSET),
                sumCounter(PageDirectory.LOCK_RECOVERY_COUNT_OFFSET),
                sumCounter(PageDirectory.PROTECTED_EVICTION_COUNT_OFFSET)};
    }

    long sumCounter(int field) {
        long sum = 0;
        for (int page = 0; page < pageCount; page++) {
            sum += memory.getLong(directoryEntry(page) + field);
        }
        return sum;
    }

    int pageCount() {
        return pageCount;
    }
}
