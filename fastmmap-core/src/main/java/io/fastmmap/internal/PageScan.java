package io.fastmmap.internal;

import static io.fastmmap.internal.PageFormat.CHECKSUM_OFFSET;
import static io.fastmmap.internal.PageFormat.EXPIRE_AT_OFFSET;
import static io.fastmmap.internal.PageFormat.FLAGS_OFFSET;
import static io.fastmmap.internal.PageFormat.RECORD_HEADER_BYTES;
import static io.fastmmap.internal.PageFormat.SLOT_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.VALUE_LENGTH_OFFSET;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Copies the live entries of one locked page, in slot order, for iteration. Every record is bounds-checked and its
 * checksum verified (so a damaged record is never handed out, even as a key alone), and nothing is written: an
 * iteration does not count as a use for least-recently-used order, as in Perl's {@code get_keys}.
 */
public final class PageScan {
    private PageScan() {
    }

    /** One live entry; {@code value} is null unless values were asked for. */
    public record Entry(byte[] key, byte[] value, long expireAtMillis, int flags) {
    }

    static List<Entry> collect(PageStore store, Path file, int page, long nowMillis,
            boolean withValues) {
        SharedMemory memory = store.memory();
        long base = store.pageBase(page);
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        LongSupplier now = PageStore.stoppedAt(nowMillis);
        store.checkNamedRecords(page, base, slots); // so the copies below add up to one page at most
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            int offset = store.recordOffset(base, i);
            if (!PageFormat.namesRecord(offset)) {
                continue;
            }
            int keyLength = store.checkedRecord(page, base, slots, offset);
            if (store.isExpired(base, offset, now)) {
                continue;
            }
            Entry entry = read(store, base, offset, keyLength);
            if (entry == null) {
                throw new PageDamage(file + ": page " + page + ": the record at offset " + offset
                        + " fails its checksum or bounds; the page is rebuilt from its intact entries");
            }
            entries.add(withValues ? entry : new Entry(entry.key(), null, entry.expireAtMillis(), entry.flags()));
        }
        return entries;
    }

    /**
     * The entries a repair of {@code page} would keep ({@link Survivors#salvage}), read without its lock and without
     * writing anything: for a page that a process left locked or in the middle of a change when it died, read by a
     * process that knows no other is attached (a migration, holding the file's gate exclusively). The directory
     * names the page's last committed image (compaction is copy-on-write); an append the holder did not finish fails
     * its checksum or is named by no slot, so the key reads as before that change.
     *
     * @return null when the directory names no image of this page: then its entries cannot be found
     */
    static List<Entry> salvage(PageStore store, FileLayout layout, int page, long nowMillis) {
        SharedMemory memory = store.memory();
        int physical = memory.getInt(store.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
        if (!store.isPhysicalPage(physical)) {
            return null;
        }
        long base = layout.physicalPageOffset(physical);
        if (memory.getInt(base + PageFormat.MAGIC_OFFSET) != PageFormat.MAGIC
                || memory.getInt(base + PageFormat.LOGICAL_PAGE_OFFSET) != page) {
            return null;
        }
        Survivors survivors = Survivors.salvage(store, page, base, nowMillis);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < survivors.count(); i++) {
            int offset = survivors.offset(i);
            Entry entry = read(store, base, offset, memory.getShort(base + offset + PageFormat.KEY_LENGTH_OFFSET));
            if (entry != null) { // salvage checked it; a null here would be a bug, never a reason to keep bad bytes
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * @return the record at {@code offset} (already bounds-checked), or null when it fails its checksum or its
     *     value length, read again here, no longer fits the page (a lock-free reader may see the record change)
     */
    private static Entry read(PageStore store, long base, int offset, int keyLength) {
        SharedMemory memory = store.memory();
        int valueLength = memory.getInt(base + offset + VALUE_LENGTH_OFFSET);
        if (valueLength < 0 || (long) offset + RECORD_HEADER_BYTES + keyLength + valueLength > store.pageSize()) {
            return null;
        }
        byte[] key = new byte[keyLength];
        byte[] value = new byte[valueLength];
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES, key, 0, key.length);
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES + key.length, value, 0, value.length);
        long expireAt = memory.getLong(base + offset + EXPIRE_AT_OFFSET);
        int flags = memory.getShort(base + offset + FLAGS_OFFSET);
        if (PageStore.checksum(key, value, expireAt, flags) != memory.getInt(base + offset + CHECKSUM_OFFSET)) {
            return null;
        }
        return new Entry(key, value, expireAt, flags);
    }

    /**
     * Copies the dirty records among {@code offsets} (records a compaction is dropping from the page at
     * {@code base}, checked by it already) into {@code sink}. One failing its checksum is left out: writing back
     * damaged bytes would spread the damage to the backing store.
     */
    static void copyDirty(PageStore store, long base, int[] offsets, List<Entry> sink) {
        SharedMemory memory = store.memory();
        for (int offset : offsets) {
            if ((memory.getShort(base + offset + FLAGS_OFFSET) & PageFormat.FLAG_DIRTY) != 0) {
                Entry entry = read(store, base, offset, memory.getShort(base + offset + PageFormat.KEY_LENGTH_OFFSET));
                if (entry != null) {
                    sink.add(entry);
                }
            }
        }
    }
}
