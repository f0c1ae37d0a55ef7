package io.fastmmap.internal;

/**
 * One 64-byte entry (a cache line of its own, so page locks do not share lines) per logical page.
 *
 * <pre>
 *  0                       8             12            16            20            24
 *  +-----------------------+-------------+-------------+-------------+-------------+
 *  | lockWord              | physPage    | operation   | accessClock | freeCheck   |
 *  +-----------------------+-------------+-------------+-------------+-------------+
 *  24                      32                      40                      48                      56      64
 *  +-----------------------+-----------------------+-----------------------+-----------------------+-------+
 *  | evictionCount         | expirationCount       | repairCount           | lockRecoveryCount     | prot. |
 *  +-----------------------+-----------------------+-----------------------+-----------------------+-------+
 *                                                                              56: protectedEvictionCount (8 B)
 *
 *  lockWord = generation (48 bits) << 16 | holder (16 bits);  holder 0 = free, else process slot + 1
 * </pre>
 *
 * <ul>
 *   <li>{@code lockWord}: taken by CAS from {g, 0} to {g+1, mySlot+1}, released by a store of {g+1, 0}. The
 *       generation makes a takeover from a dead holder exact: it CASes from the very word it judged dead.</li>
 *   <li>{@code physPage}: which physical page holds this logical page now; switched by compaction.</li>
 *   <li>{@code operation}: the in-progress marker. Non-zero while a mutation is under way; a locker that finds it
 *       set knows the previous holder died mid-update and repairs the page first.</li>
 *   <li>{@code accessClock}: the page's logical LRU clock; each read or write of an entry stamps it with the next
 *       tick, which orders accesses exactly, unlike one-second timestamps.</li>
 *   <li>{@code freeCheck}: the bitwise complement of the named physical page's {@code freeOffset}, written with it.
 *       A page whose two disagree is damaged: a flipped bit could otherwise move the free offset back over live
 *       records, and the next write would overwrite them.</li>
 *   <li>counters: shared statistics, written under the page lock. {@code protectedEvictionCount} counts the part
 *       of {@code evictionCount} that had eviction class protected, so it is never larger.</li>
 * </ul>
 */
final class PageDirectory {
    static final int ENTRY_BYTES = 64;
    // Each *_OFFSET is where a field of the layout above starts, from the start of the page's entry.
    static final int LOCK_WORD_OFFSET = 0;
    static final int PHYSICAL_PAGE_OFFSET = 8;
    static final int OPERATION_OFFSET = 12;
    static final int ACCESS_CLOCK_OFFSET = 16;
    static final int FREE_CHECK_OFFSET = 20;
    static final int EVICTION_COUNT_OFFSET = 24;
    static final int EXPIRATION_COUNT_OFFSET = 32;
    static final int REPAIR_COUNT_OFFSET = 40;
    static final int LOCK_RECOVERY_COUNT_OFFSET = 48;
    /**
     * Of {@code evictionCount}, the records of eviction class protected ({@link PageFormat#FLAG_PROTECTED}). Was
     * reserved (always 0) before: old files read as "none yet", and builds before it never write it.
     */
    static final int PROTECTED_EVICTION_COUNT_OFFSET = 56;

    static final int OP_IDLE = 0;
    static final int OP_INSERT = 1;
    static final int OP_REMOVE = 2;
    static final int OP_COMPACT = 3;

    private PageDirectory() {
    }

    /** @return the file offset of {@code page}'s entry in the directory at {@code directoryOffset} */
    static long entryOffset(long directoryOffset, int page) {
        return directoryOffset + (long) page * ENTRY_BYTES;
    }

    static int holder(long lockWord) {
        return (int) (lockWord & 0xFFFF);
    }

    static long generation(long lockWord) {
        return lockWord >>> 16;
    }

    static long heldBy(long freeWord, int slot) {
        return ((generation(freeWord) + 1) << 16) | (slot + 1);
    }

    static long released(long heldWord) {
        return heldWord & ~0xFFFFL;
    }
}
