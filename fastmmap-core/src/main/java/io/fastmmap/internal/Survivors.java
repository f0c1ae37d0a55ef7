package io.fastmmap.internal;

import static io.fastmmap.internal.PageFormat.ACCESS_TICK_OFFSET;
import static io.fastmmap.internal.PageFormat.CHECKSUM_OFFSET;
import static io.fastmmap.internal.PageFormat.EXPIRE_AT_OFFSET;
import static io.fastmmap.internal.PageFormat.FLAGS_OFFSET;
import static io.fastmmap.internal.PageFormat.KEY_LENGTH_OFFSET;
import static io.fastmmap.internal.PageFormat.RECORD_HEADER_BYTES;
import static io.fastmmap.internal.PageFormat.SLOT_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.VALUE_LENGTH_OFFSET;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The records of one physical page that a compaction may carry over, and the choice of which of them to evict
 * so that the rest (plus a new record) fit: expired records never make the list, then the least recently used go
 * first, ordinary records before any of eviction class protected ({@link PageFormat#FLAG_PROTECTED}).
 */
final class Survivors {
    private static final int INDEX_BITS = 25; // a slot index: slotCount <= pageSize / 8 <= 2^25
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private final long sourceBase;
    private final int[] offsets;
    private final int[] bytes;
    private final int[] ticks;
    private final int[] tags;
    private final boolean[] protectedRecords;
    private int count;
    private long slotReads;
    private long totalBytes;
    private int evictedCount;
    private int protectedEvictedCount;
    private int expiredCount;
    private int[] lruOrder;
    private final int[] droppedOffsets; // expired, cleared, then evicted records, for write-back of dirty ones
    private int droppedCount;

    private Survivors(long sourceBase, int capacity) {
        this.sourceBase = sourceBase;
        this.offsets = new int[capacity];
        this.bytes = new int[capacity];
        this.ticks = new int[capacity];
        this.tags = new int[capacity];
        this.protectedRecords = new boolean[capacity];
        this.droppedOffsets = new int[capacity];
    }

    /**
     * Normal compaction: the page passed its header checks; a damaged record, or one no lookup reaches, aborts (and
     * triggers repair).
     */
    static Survivors collect(PageStore store, int page, long base, PageStore.Mode mode, int droppedSlot,
            long nowMillis) {
        SharedMemory memory = store.memory();
        LongSupplier now = PageStore.stoppedAt(nowMillis);
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        Survivors survivors = new Survivors(base, slots);
        boolean[] reachable = store.reachableSlots(base, slots);
        store.checkNamedRecords(page, base, slots); // before anything is copied (write-back copies dropped records)
        for (int i = 0; i < slots; i++) {
            long slot = memory.getLong(base + PageFormat.HEADER_BYTES + (long) i * PageFormat.SLOT_BYTES);
            int offset = PageFormat.slotOffset(slot);
            if (!PageFormat.namesRecord(offset) || i == droppedSlot) {
                continue;
            }
            if (mode == PageStore.Mode.CLEAR) {
                survivors.droppedOffsets[survivors.droppedCount++] = offset;
                continue;
            }
            if (store.isExpired(base, offset, now)) {
                survivors.expiredCount++;
                survivors.droppedOffsets[survivors.droppedCount++] = offset;
                continue;
            }
            if (!reachable[i]) { // carried over, a record no lookup reaches may bring back a value since removed
                throw store.damageAt(page, "an empty slot lies on the probe path of slot " + i);
            }
            survivors.add(memory, base, offset, PageFormat.slotTag(slot));
        }
        return survivors;
    }

    /**
     * Repair: keeps every record that lies inside the page, passes its checksum, hashes to this page and is the one
     * a lookup of its key finds. Never throws for damage; what fails a check is dropped.
     */
    static Survivors salvage(PageStore store, int page, long base, long nowMillis) {
        SharedMemory memory = store.memory();
        int pageSize = store.pageSize();
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        if (slots < PageFormat.MIN_SLOT_COUNT || Integer.bitCount(slots) != 1
                || PageFormat.dataStart(slots) > pageSize) {
            return new Survivors(base, 0);
        }
        Survivors survivors = new Survivors(base, slots);
        LongSupplier now = PageStore.stoppedAt(nowMillis);
        int usedEnd = store.salvageBound(page, base, slots);
        int mask = slots - 1;
        boolean[] reachable = store.reachableSlots(base, slots);
        java.util.Map<Long, Integer> firstPosition = firstPositionOfEachKey(store, page, base, slots);
        survivors.slotReads += 3L * slots; // the two passes above: reachability (at most twice round), positions
        // Per record offset, what its own checks found (null: unreadable), so a record that several slots name is
        // read and checksummed once: a forged page naming one large record from every slot made repair copy it for
        // each (issue 19). What depends on the slot (its tag, the probe path) is still checked per slot: the slot a
        // lookup of the key finds may come after a damaged one naming the same record (BitFlipTest found this).
        java.util.Map<Integer, byte[]> keysByOffset = new java.util.HashMap<>();
        java.util.Set<Integer> kept = new java.util.HashSet<>();
        for (int i = 0; i < slots; i++) {
            long slot = memory.getLong(base + PageFormat.HEADER_BYTES + (long) i * PageFormat.SLOT_BYTES);
            survivors.slotReads++;
            int offset = PageFormat.slotOffset(slot);
            if (!PageFormat.namesRecord(offset) || kept.contains(offset)) {
                continue;
            }
            byte[] key = keysByOffset.containsKey(offset) ? keysByOffset.get(offset)
                    : intactKey(store, page, base, slots, offset, usedEnd);
            keysByOffset.put(offset, key);
            if (key == null) {
                continue;
            }
            long hash = store.placement().hash(key);
            // Only the record a lookup of its key would find: one no lookup could reach (a damaged tag, an empty
            // slot on its probe path, another copy of the key before it) may hold a value since written again or
            // removed, and keeping it would bring that back (fuzzing campaigns found both).
            Integer first = firstPosition.get(hash); // null: this record fails the lookup's own bounds check
            if (PageFormat.slotTag(slot) != (int) hash || !reachable[i]
                    || first != null && first < ((i - (int) hash) & mask)) {
                continue;
            }
            kept.add(offset);
            if (store.isExpired(base, offset, now)) {
                survivors.expiredCount++;
                continue;
            }
            survivors.add(memory, base, offset, (int) hash);
        }
        return survivors;
    }

    /**
     * Where a lookup of each key stops: per key hash, the first position on the key's probe path (the distance from
     * its home slot) of a slot that carries the key's tag and names a readable record of a key with that hash. One
     * pass over the slots, where walking each slot's probe path again cost slots²/2 reads on a page whose records all
     * share one home slot (issue 19). Two keys with one 64-bit hash count as one: the later loses its entry in the
     * repair, as damage may; a wrong value is never kept.
     */
    private static java.util.Map<Long, Integer> firstPositionOfEachKey(PageStore store, int page, long base,
            int slots) {
        SharedMemory memory = store.memory();
        int mask = slots - 1;
        java.util.Map<Long, Integer> first = new java.util.HashMap<>();
        java.util.Map<Integer, Long> hashByOffset = new java.util.HashMap<>();
        for (int i = 0; i < slots; i++) {
            long slot = memory.getLong(base + PageFormat.HEADER_BYTES + (long) i * PageFormat.SLOT_BYTES);
            int offset = PageFormat.slotOffset(slot);
            if (!PageFormat.namesRecord(offset)) {
                continue;
            }
            Long hash = hashByOffset.get(offset);
            if (hash == null && !hashByOffset.containsKey(offset)) {
                hash = readableKeyHash(store, page, base, slots, offset);
                hashByOffset.put(offset, hash);
            }
            if (hash != null && PageFormat.slotTag(slot) == (int) (long) hash) {
                first.merge(hash, (i - (int) (long) hash) & mask, Math::min);
            }
        }
        return first;
    }

    /** @return the hash of the key of the record at {@code offset} when its bounds check passes; else null */
    private static Long readableKeyHash(PageStore store, int page, long base, int slots, int offset) {
        int keyLength;
        try {
            keyLength = store.checkedRecord(page, base, slots, offset);
        } catch (PageDamage unreadable) {
            return null; // not the key's record, for all repair can tell (see salvage)
        }
        byte[] key = new byte[keyLength];
        store.memory().copyToArray(base + offset + PageFormat.RECORD_HEADER_BYTES, key, 0, keyLength);
        return store.placement().hash(key);
    }

    /**
     * @return the key of the record at {@code offset} when it lies inside the used area (see
     *     {@link PageStore#salvageBound}), passes its checksum and belongs to {@code page}; else null
     */
    private static byte[] intactKey(PageStore store, int page, long base, int slots, int offset, int usedEnd) {
        SharedMemory memory = store.memory();
        try {
            store.salvagedRecord(page, base, slots, offset, usedEnd);
        } catch (PageDamage damaged) {
            return null;
        }
        byte[] key = new byte[memory.getShort(base + offset + KEY_LENGTH_OFFSET)];
        byte[] value = new byte[memory.getInt(base + offset + VALUE_LENGTH_OFFSET)];
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES, key, 0, key.length);
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES + key.length, value, 0, value.length);
        int checksum = PageStore.checksum(key, value, memory.getLong(base + offset + EXPIRE_AT_OFFSET),
                memory.getShort(base + offset + FLAGS_OFFSET));
        Placement placement = store.placement();
        boolean ownPage = placement.pageOf(placement.hash(key)) == page;
        return checksum == memory.getInt(base + offset + CHECKSUM_OFFSET) && ownPage ? key : null;
    }

    private void add(SharedMemory memory, long base, int offset, int tag) {
        int keyLength = memory.getShort(base + offset + KEY_LENGTH_OFFSET);
        int valueLength = memory.getInt(base + offset + VALUE_LENGTH_OFFSET);
        offsets[count] = offset;
        bytes[count] = (int) PageFormat.recordBytes(keyLength, valueLength);
        ticks[count] = memory.getInt(base + offset + ACCESS_TICK_OFFSET);
        tags[count] = tag;
        protectedRecords[count] = (memory.getShort(base + offset + FLAGS_OFFSET) & PageFormat.FLAG_PROTECTED) != 0;
        totalBytes += bytes[count];
        count++;
    }

    /**
     * Decides how many slots the new image gets and evicts least recently used records until everything left,
     * plus {@code extraBytes} in {@code extraCount} new records, fits.
     *
     * @return the slot count of the new image
     */
    int fit(int pageSize, long extraBytes, int extraCount) {
        lruOrder = orderByTick();
        int evicted = 0;
        int entries = count + extraCount;
        long total = totalBytes + extraBytes;
        if (PageFormat.dataStart(minimumSlots(entries)) + total > pageSize) {
            while (evicted < count) {
                long area = pageSize - PageFormat.dataStart(minimumSlots(entries));
                long slack = area / 16; // evict a little more than needed so the next writes append in place
                if (total + slack <= area) {
                    break;
                }
                total -= bytes[lruOrder[evicted++]];
                entries--;
            }
        }
        evictedCount = evicted;
        for (int i = 0; i < evicted; i++) {
            droppedOffsets[droppedCount++] = offsets[lruOrder[i]];
            if (protectedRecords[lruOrder[i]]) {
                protectedEvictedCount++;
            }
        }
        lruOrder = Arrays.copyOfRange(lruOrder, evicted, lruOrder.length);
        int slots = minimumSlots(entries);
        while (slots < 2L * entries && PageFormat.dataStart(slots * 2) + total <= pageSize) {
            slots *= 2;
        }
        return slots;
    }

    /**
     * @return the smallest power of two that keeps the load factor at or below 3/4, the same bound appends keep;
     *     so any page's records fit again in a page of this many slots, and repair never has to evict
     */
    static int minimumSlots(int entries) {
        long needed = Math.max(1, (4L * entries + 2) / 3);
        int slots = PageFormat.MIN_SLOT_COUNT;
        while (slots < needed) {
            slots *= 2;
        }
        return slots;
    }

    /**
     * Eviction order: ordinary records before protected ones, each least recently used first. The sort key is
     * class, tick, index from the top bit down: an index is below 2^25 (a slot count), a tick, signed, moves the key
     * by less than 2^57, the class by 2^58.
     */
    private int[] orderByTick() {
        long[] keyed = new long[count];
        for (int i = 0; i < count; i++) {
            keyed[i] = (protectedRecords[i] ? 1L << 58 : 0) + ((long) ticks[i] << INDEX_BITS) + i;
        }
        Arrays.sort(keyed);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (int) (keyed[i] & INDEX_MASK);
        }
        return order;
    }

    /** @return how many records were collected (before {@link #fit} evicts any) */
    int count() {
        return count;
    }

    /**
     * @return the slot words repair read to decide what to keep: the measure of its work on a hostile page, which
     *     must stay a small multiple of the slot count (SalvageWorkTest)
     */
    long slotReads() {
        return slotReads;
    }

    int[] keptInLruOrder() {
        return lruOrder;
    }

    long sourceBase() {
        return sourceBase;
    }

    int offset(int index) {
        return offsets[index];
    }

    int bytes(int index) {
        return bytes[index];
    }

    int tag(int index) {
        return tags[index];
    }

    /** @return offsets (in the source page) of the records this compaction drops: cleared, expired, evicted */
    int[] droppedOffsets() {
        return Arrays.copyOf(droppedOffsets, droppedCount);
    }

    int evictedCount() {
        return evictedCount;
    }

    /** @return how many of the evicted records had eviction class protected */
    int protectedEvictedCount() {
        return protectedEvictedCount;
    }

    int expiredCount() {
        return expiredCount;
    }
}
