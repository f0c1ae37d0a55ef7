package io.fastmmap.internal;

import static io.fastmmap.internal.PageFormat.FREE_OFFSET;
import static io.fastmmap.internal.PageFormat.GARBAGE_BYTES_OFFSET;
import static io.fastmmap.internal.PageFormat.LIVE_COUNT_OFFSET;
import static io.fastmmap.internal.PageFormat.SLOT_COUNT_OFFSET;

import java.util.function.IntFunction;

/**
 * Space accounting of one page, from its header alone (read without its lock by statistics) (no record is read). The header counters are derived
 * data that repair recomputes, so they are clamped into the page's bounds rather than trusted.
 *
 * @param entryCount records reachable from the slot table (live, or expired and not yet dropped)
 * @param usedBytes bytes those records take
 * @param freeBytes bytes of the data area a compaction could give to new records
 */
public record PageUsage(long entryCount, long usedBytes, long freeBytes) {
    static PageUsage of(PageStore store, int page) {
        SharedMemory memory = store.memory();
        long base = store.pageBase(page); // checks slot count and free offset
        int dataStart = PageFormat.dataStart(memory.getInt(base + SLOT_COUNT_OFFSET));
        int appended = memory.getInt(base + FREE_OFFSET) - dataStart;
        int garbage = Math.min(appended, Math.max(0, memory.getInt(base + GARBAGE_BYTES_OFFSET)));
        long used = appended - garbage;
        return new PageUsage(Math.max(0, memory.getInt(base + LIVE_COUNT_OFFSET)), used,
                store.pageSize() - dataStart - used);
    }

    /** @param pageUsage the usage of one page, read however the caller may read it */
    static PageUsage sum(int pageCount, IntFunction<PageUsage> pageUsage) {
        PageUsage total = new PageUsage(0, 0, 0);
        for (int page = 0; page < pageCount; page++) {
            total = total.plus(pageUsage.apply(page));
        }
        return total;
    }

    PageUsage plus(PageUsage other) {
        return new PageUsage(entryCount + other.entryCount, usedBytes + other.usedBytes,
                freeBytes + other.freeBytes);
    }
}
