package io.fastmmap.internal;

import static io.fastmmap.internal.PageFormat.CHECKSUM_OFFSET;
import static io.fastmmap.internal.PageFormat.EXPIRE_AT_OFFSET;
import static io.fastmmap.internal.PageFormat.FLAGS_OFFSET;
import static io.fastmmap.internal.PageFormat.FREE_OFFSET;
import static io.fastmmap.internal.PageFormat.GARBAGE_BYTES_OFFSET;
import static io.fastmmap.internal.PageFormat.KEY_LENGTH_OFFSET;
import static io.fastmmap.internal.PageFormat.LIVE_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.LOGICAL_PAGE_OFFSET;
import static io.fastmmap.internal.PageFormat.RECORD_HEADER_BYTES;
import static io.fastmmap.internal.PageFormat.SLOT_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.TOMBSTONE;
import static io.fastmmap.internal.PageFormat.TOMBSTONE_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.VALUE_LENGTH_OFFSET;

import io.fastmmap.LockTimeoutException;
import io.fastmmap.VerifyReport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Checks a cache file against everything its format promises (docs/file-format.md), page by page, each page under
 * its lock so that the check sees a page between operations, never halfway through one.
 *
 * <p>Verifying changes nothing but lock words: a page whose previous holder died mid-update is reported, not
 * repaired. Repairing hands every page with a finding to the engine's own recovery ({@link PageStore#recover}),
 * which keeps every record that passes its checks and recomputes the rest, then checks the page again: a finding
 * counts as repaired only when the rebuilt page passes every check.
 *
 * <p>The header is checked without locks: it never changes after creation. The spare table is checked by
 * {@link SpareTableCheck}, and rebuilt by it when repairing.
 */
final class PageVerifier {
    private final Attachment attachment;
    private final PageStore store;
    private final Placement placement;
    private final PageLocks locks;
    private final SharedMemory memory;
    private final FileLayout layout;
    private final int pageSize;
    private final int pageCount;
    private final int physicalCount;
    private final int spareCount;

    PageVerifier(Attachment attachment) {
        this.attachment = attachment;
        this.store = attachment.store;
        this.placement = store.placement();
        this.locks = attachment.locks;
        this.memory = store.memory();
        this.layout = attachment.layout;
        this.pageSize = layout.geometry().pageSizeBytes();
        this.pageCount = layout.geometry().pageCount();
        this.physicalCount = layout.geometry().physicalPageCount();
        this.spareCount = layout.geometry().spareCount();
    }

    /**
     * @param repair true to rebuild every page with a finding
     * @param lock takes a page lock the way every operation does, but without repairing the page
     */
    VerifyReport run(boolean repair, IntConsumer lock) {
        return run(repair, lock, 0, pageCount);
    }

    /**
     * As {@link #run(boolean, IntConsumer)}, but of the pages only {@code count} from {@code firstPage} on, wrapping
     * around after the last: a check whose cost is bounded whatever the size of the file.
     */
    VerifyReport run(boolean repair, IntConsumer lock, int firstPage, int count) {
        List<VerifyReport.Finding> findings = new ArrayList<>();
        for (String problem : checkFile()) {
            findings.add(new VerifyReport.Finding(VerifyReport.FILE_LEVEL, problem, false));
        }
        SpareTableCheck spares = new SpareTableCheck(memory, layout.geometry(), store, locks);
        List<String> spareProblems = spares.problems();
        int checked = 0;
        Map<Integer, List<String>> unrepaired = new LinkedHashMap<>();
        for (int step = 0; step < Math.min(count, pageCount); step++) {
            int page = (firstPage + step) % pageCount;
            try {
                lock.accept(page);
            } catch (LockTimeoutException busy) {
                findings.add(new VerifyReport.Finding(page, "not checked: " + busy.getMessage(), false));
                continue;
            }
            try {
                List<String> problems = checkPage(page);
                if (repair && !problems.isEmpty()) {
                    store.recover(page);
                    if (!checkPage(page).isEmpty()) {
                        unrepaired.put(page, problems);
                        problems = List.of();
                    }
                }
                for (String problem : problems) {
                    findings.add(new VerifyReport.Finding(page, problem, repair));
                }
            } finally {
                locks.unlock(page);
            }
            checked++;
        }
        // A page's repair may not come out clean because of another page's damage (another directory entry naming
        // its physical page: docs/reliability.md, finding 20), which that page's repair, later in the loop,
        // ends: such a page is judged again once every page had its turn.
        unrepaired.forEach((page, problems) -> {
            boolean repaired = recheck(page, lock);
            for (String problem : problems) {
                findings.add(new VerifyReport.Finding(page, problem, repaired));
            }
        });
        boolean sparesRepaired = repair && !spareProblems.isEmpty() && spares.rebuild(lock);
        for (String problem : spareProblems) {
            findings.add(new VerifyReport.Finding(VerifyReport.FILE_LEVEL, problem, sparesRepaired));
        }
        return new VerifyReport(attachment.file, checked, findings);
    }

    private boolean recheck(int page, IntConsumer lock) {
        try {
            lock.accept(page);
        } catch (LockTimeoutException busy) {
            return false;
        }
        try {
            if (!checkPage(page).isEmpty()) {
                store.recover(page);
            }
            return checkPage(page).isEmpty();
        } finally {
            locks.unlock(page);
        }
    }

    // ---------------------------------------------------------------- the file header and the spare table

    private List<String> checkFile() {
        List<String> problems = new ArrayList<>();
        if (memory.getLongVolatile(FileHeader.MAGIC_OFFSET) != FileHeader.MAGIC) {
            problems.add("header: the magic number is not \"FASTMMAP\"");
        }
        for (FileHeader.Field field : FileHeader.fixedFields(layout)) {
            expect(problems, field.name(), field.readFrom(memory), field.value());
        }
        expect(problems, "checksum", memory.getInt(FileHeader.CHECKSUM_OFFSET), FileHeader.checksum(memory));
        long size = attachment.sizeOnDisk(); // of the mapped file: its path may name another one by now
        if (size < 0) {
            problems.add("the file's size cannot be read");
        } else {
            expect(problems, "size on disk", size, layout.fileSize());
        }
        if (!problems.isEmpty()) {
            problems.add("header damage cannot be repaired in place: use recreate(true) to re-initialise the file");
        }
        String pathChange = attachment.pathChange();
        if (pathChange != null) {
            EngineWarnings.warn(attachment.file, EngineWarnings.Kind.REPLACED, () -> "found by a check: the path no "
                    + "longer names the file this process uses (" + pathChange + "), so processes that open the "
                    + "path now do not share entries with this one: close this cache and open the path again, and "
                    + "find what deleted or replaced the file");
            problems.add("the path no longer names the file this process uses: " + pathChange + ". This process "
                    + "keeps sharing its file with the processes that opened it before, but processes that open the "
                    + "path now use the new file, so the two groups do not see each other's entries: close this "
                    + "cache and open the path again");
        }
        return problems;
    }

    private static void expect(List<String> problems, String field, long found, long expected) {
        if (found != expected) {
            problems.add("header: " + field + " is " + found + ", expected " + expected);
        }
    }

    // ---------------------------------------------------------------- one page, locked

    /** @return what is wrong with {@code page}, which the caller holds locked */
    List<String> checkPage(int page) {
        List<String> problems = new ArrayList<>();
        long entry = store.directoryEntry(page);
        int operation = memory.getIntVolatile(entry + PageDirectory.OPERATION_OFFSET);
        if (operation != PageDirectory.OP_IDLE) {
            problems.add("the in-progress marker is " + operation + ": a process died in the middle of changing "
                    + "this page (the next operation on it repairs it)");
        }
        int physical = memory.getInt(entry + PageDirectory.PHYSICAL_PAGE_OFFSET);
        if (!store.isPhysicalPage(physical)) {
            problems.add("the page directory names physical page " + physical + " of " + physicalCount);
            return problems;
        }
        checkOwnership(page, physical, operation, problems);
        checkCounters(entry, problems);
        long base = layout.physicalPageOffset(physical);
        int slots = checkHeader(page, physical, base, problems);
        if (slots > 0) {
            checkSlotsAndRecords(page, base, slots, problems);
        }
        return problems;
    }

    /**
     * The protected evictions are part of all evictions: more of them is damage (a file of a build before the
     * counter has 0 there, which is right). Repair sets them to the evictions, the most they can have been.
     */
    private void checkCounters(long entry, List<String> problems) {
        long evictions = memory.getLong(entry + PageDirectory.EVICTION_COUNT_OFFSET);
        long protectedEvictions = memory.getLong(entry + PageDirectory.PROTECTED_EVICTION_COUNT_OFFSET);
        if (protectedEvictions < 0 || Long.compareUnsigned(protectedEvictions, evictions) > 0) {
            problems.add("directory: protectedEvictionCount " + protectedEvictions + " is not between 0 and "
                    + "evictionCount " + evictions);
        }
    }

    /** The page's physical page must be its alone: named by no other directory entry and no free spare. */
    private void checkOwnership(int page, int physical, int operation, List<String> problems) {
        for (int other = 0; other < pageCount; other++) {
            long otherEntry = store.directoryEntry(other);
            if (other != page && memory.getIntVolatile(otherEntry + PageDirectory.PHYSICAL_PAGE_OFFSET) == physical) {
                problems.add("physical page " + physical + " is also named by page " + other);
            }
        }
        for (int index = 0; index < spareCount; index++) {
            long word = memory.getLongVolatile(store.spares().entry(index));
            int owner = SpareTable.owner(word);
            if (owner == 0 && SpareTable.physicalPage(word) == physical) {
                problems.add("physical page " + physical + " is also free in spare table entry " + index);
            } else if (owner == page + 1 && operation == PageDirectory.OP_IDLE) {
                problems.add("spare table entry " + index + " (physical page " + SpareTable.physicalPage(word)
                        + ") is still owned by this page although no change is in progress");
            }
        }
    }

    /** @return the slot count when the header is sound enough to read the slots, else 0 */
    private int checkHeader(int page, int physical, long base, List<String> problems) {
        int magic = memory.getInt(base + PageFormat.MAGIC_OFFSET);
        if (magic != PageFormat.MAGIC) {
            problems.add("physical page " + physical + " has magic " + Integer.toHexString(magic) + ", expected "
                    + Integer.toHexString(PageFormat.MAGIC));
        }
        int logical = memory.getInt(base + LOGICAL_PAGE_OFFSET);
        if (logical != page) {
            problems.add("physical page " + physical + " says it belongs to page " + logical);
        }
        int slots = memory.getInt(base + SLOT_COUNT_OFFSET);
        if (slots < PageFormat.MIN_SLOT_COUNT || Integer.bitCount(slots) != 1
                || PageFormat.dataStart(slots) > pageSize) {
            problems.add("slot count " + slots + " is not a power of two from " + PageFormat.MIN_SLOT_COUNT
                    + " that fits a " + pageSize + "-byte page");
            return 0;
        }
        int free = memory.getInt(base + FREE_OFFSET);
        if (free < PageFormat.dataStart(slots) || free > pageSize || (free & (PageFormat.RECORD_ALIGNMENT - 1)) != 0) {
            problems.add("free offset " + free + " is not an 8-byte aligned offset between the end of the slot table ("
                    + PageFormat.dataStart(slots) + ") and the end of the page (" + pageSize + ")");
            return 0;
        }
        return magic == PageFormat.MAGIC ? slots : 0;
    }

    private void checkSlotsAndRecords(int page, long base, int slots, List<String> problems) {
        int free = memory.getInt(base + FREE_OFFSET);
        int mask = slots - 1;
        int live = 0;
        int tombstones = 0;
        long liveBytes = 0;
        List<long[]> extents = new ArrayList<>();
        Set<ByteBuffer> keys = new HashSet<>();
        boolean[] reachable = store.reachableSlots(base, slots);
        for (int i = 0; i < slots; i++) {
            long word = memory.getLong(base + PageFormat.HEADER_BYTES + (long) i * PageFormat.SLOT_BYTES);
            int offset = PageFormat.slotOffset(word);
            if (!PageFormat.namesRecord(offset)) {
                boolean tombstone = PageFormat.isTombstone(offset);
                long canonical = tombstone ? TOMBSTONE : PageFormat.EMPTY;
                if (word != canonical) {
                    problems.add("slot " + i + ": " + (tombstone ? "a tombstone" : "an empty slot") + " written as "
                            + Long.toHexString(word) + " instead of " + canonical);
                }
                tombstones += tombstone ? 1 : 0;
                continue;
            }
            long end = recordEnd(base, slots, free, i, word, problems);
            if (end >= 0) {
                extents.add(new long[] {offset, end, i});
            }
        }
        // Overlaps first, from the headers alone: only a record that shares no byte with another record is copied
        // to check its checksum, so what verify copies for a page is bounded by the page. Copying each slot's record
        // first let a forged page whose slots all name one large record allocate it once per slot (issue 19).
        Set<Long> sharingBytes = checkOverlaps(extents, problems);
        Map<Long, byte[]> keyByOffset = new HashMap<>();
        extents.sort((a, b) -> Long.compare(a[2], b[2]));
        for (long[] extent : extents) {
            int i = (int) extent[2];
            long word = memory.getLong(base + PageFormat.HEADER_BYTES + (long) i * PageFormat.SLOT_BYTES);
            byte[] key;
            if (keyByOffset.containsKey(extent[0])) {
                key = keyByOffset.get(extent[0]); // a slot naming a record another slot names: checked once
                key = key != null && hasItsTag(word, key, i, problems) ? key : null;
            } else {
                key = sharingBytes.contains(extent[0]) ? null : checkRecord(page, base, i, word, problems);
                keyByOffset.put(extent[0], key);
            }
            if (key == null) {
                continue;
            }
            live++;
            liveBytes += extent[1] - extent[0];
            if (!keys.add(ByteBuffer.wrap(key))) {
                problems.add("slot " + i + ": key " + Engine.describe(key) + " is stored in another slot too");
            }
            if (!reachable[i]) {
                problems.add("slot " + i + ": an empty slot lies between the key's home slot "
                        + (PageFormat.slotTag(word) & mask) + " and its slot, so lookups never find it");
            }
        }
        expectCount(problems, "live entry count", memory.getInt(base + LIVE_COUNT_OFFSET), live);
        expectCount(problems, "tombstone count", memory.getInt(base + TOMBSTONE_COUNT_OFFSET), tombstones);
        expectCount(problems, "garbage byte count", memory.getInt(base + GARBAGE_BYTES_OFFSET),
                free - PageFormat.dataStart(slots) - liveBytes);
        if ((live + tombstones) * 4L > slots * 3L) {
            problems.add((live + tombstones) + " of " + slots + " slots are in use, more than the 3/4 load factor "
                    + "every page keeps");
        }
    }

    private static void expectCount(List<String> problems, String counter, long found, long expected) {
        if (found != expected) {
            problems.add("page header: " + counter + " is " + found + " but the slots and records add up to "
                    + expected);
        }
    }

    /** @return where the record a slot names ends, when it lies inside the used area; else -1 (reported) */
    private long recordEnd(long base, int slots, int free, int slotIndex, long word, List<String> problems) {
        int offset = PageFormat.slotOffset(word);
        String where = "slot " + slotIndex + ": the record at offset " + offset;
        if (offset < PageFormat.dataStart(slots) || (offset & (PageFormat.RECORD_ALIGNMENT - 1)) != 0
                || offset > free - RECORD_HEADER_BYTES) {
            problems.add(where + " is not an aligned record start inside the used data area (" + PageFormat
                    .dataStart(slots) + " to " + free + ")");
            return -1;
        }
        int keyLength = memory.getShort(base + offset + KEY_LENGTH_OFFSET);
        long valueLength = Integer.toUnsignedLong(memory.getInt(base + offset + VALUE_LENGTH_OFFSET));
        long end = offset + PageFormat.recordBytes(keyLength, valueLength);
        if (end > free) {
            problems.add(where + " claims " + keyLength + " key and " + valueLength + " value bytes, past the used "
                    + "data area ending at " + free);
            return -1;
        }
        return end;
    }

    /**
     * @return the key of a record inside the used area (see {@link #recordEnd}) when it passes its checksum, belongs
     *     here and matches its slot's tag; else null
     */
    private byte[] checkRecord(int page, long base, int slotIndex, long word, List<String> problems) {
        int offset = PageFormat.slotOffset(word);
        String where = "slot " + slotIndex + ": the record at offset " + offset;
        byte[] key = new byte[memory.getShort(base + offset + KEY_LENGTH_OFFSET)];
        byte[] value = new byte[memory.getInt(base + offset + VALUE_LENGTH_OFFSET)];
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES, key, 0, key.length);
        memory.copyToArray(base + offset + RECORD_HEADER_BYTES + key.length, value, 0, value.length);
        int checksum = PageStore.checksum(key, value, memory.getLong(base + offset + EXPIRE_AT_OFFSET),
                memory.getShort(base + offset + FLAGS_OFFSET));
        if (checksum != memory.getInt(base + offset + CHECKSUM_OFFSET)) {
            problems.add(where + " (key " + Engine.describe(key) + ") fails its checksum");
            return null;
        }
        long hash = placement.hash(key);
        if (placement.pageOf(hash) != page) {
            problems.add(where + " holds key " + Engine.describe(key) + ", which belongs in page "
                    + placement.pageOf(hash));
            return null;
        }
        return hasItsTag(word, key, slotIndex, problems) ? key : null;
    }

    private boolean hasItsTag(long word, byte[] key, int slotIndex, List<String> problems) {
        if (PageFormat.slotTag(word) != (int) placement.hash(key)) {
            problems.add("slot " + slotIndex + ": its tag " + Integer.toHexString(PageFormat.slotTag(word))
                    + " does not match the hash of key " + Engine.describe(key));
            return false;
        }
        return true;
    }

    /** @return the offsets of records that share bytes with a record at another offset */
    private static Set<Long> checkOverlaps(List<long[]> extents, List<String> problems) {
        extents.sort((a, b) -> Long.compare(a[0], b[0]));
        Set<Long> sharing = new HashSet<>();
        long furthestEnd = -1;
        long furthestOffset = -1;
        for (int i = 1; i < extents.size(); i++) {
            long[] previous = extents.get(i - 1);
            long[] current = extents.get(i);
            if (current[0] < previous[1]) {
                problems.add("the records of slots " + previous[2] + " and " + current[2] + " overlap (offsets "
                        + previous[0] + " to " + previous[1] + " and " + current[0] + ")");
            }
            if (previous[1] > furthestEnd) {
                furthestEnd = previous[1];
                furthestOffset = previous[0];
            }
            if (current[0] < furthestEnd && current[0] != furthestOffset) {
                sharing.add(current[0]);
                sharing.add(furthestOffset);
            }
        }
        return sharing;
    }
}
