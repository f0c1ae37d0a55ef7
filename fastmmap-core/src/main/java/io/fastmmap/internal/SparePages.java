package io.fastmmap.internal;

import static io.fastmmap.internal.PageFormat.FREE_OFFSET;
import static io.fastmmap.internal.PageFormat.LOGICAL_PAGE_OFFSET;
import static io.fastmmap.internal.PageFormat.PREVIOUS_PHYSICAL_OFFSET;

import java.nio.file.Path;
import java.util.function.IntPredicate;

/**
 * Runs the spare-page protocol of {@link SpareTable} for {@link PageStore}: a compaction takes a spare, builds in
 * it, commits, and gives its old physical page back; recovery settles what a dead compactor left. It also answers
 * which physical pages nothing names, which is what repairs of a damaged directory or spare table need.
 *
 * <p>Kept apart from PageStore because none of it runs on a get or an in-place set: only compactions and
 * recoveries come here. Every method runs with the page it is given locked by the caller, and only
 * {@link #take} blocks (waiting for a spare to come free).
 *
 * <p>In a sound file every physical page is named exactly once: by a directory entry (live) or by a spare entry
 * (free, or owned by the page compacting into it). Damage can break that, so physical page numbers read from the
 * file are checked before use: a damaged table must never make two compactions build in one page, or a compaction
 * build over a live page (docs/reliability.md, findings 9, 15, 16 and 19).
 */
final class SparePages {
    private final SharedMemory memory;
    private final FileLayout layout;
    private final Path file;
    private final PageLocks locks;
    private final int pageCount;
    private final int physicalCount;
    private final int spareCount;
    private final long directoryOffset;
    private final long spareTableOffset;
    /**
     * Recovers a page whose holder died in the middle of a mutation; false when the page was idle. Called with that
     * page's lock held, by {@link #take} while it waits for spares that dead processes' pages hold.
     */
    private final IntPredicate recoverIfInterrupted;

    /** @param locks the page locks, used only by {@link #take}; null for a store that never compacts */
    SparePages(SharedMemory memory, FileLayout layout, Path file, PageLocks locks, IntPredicate recoverIfInterrupted) {
        this.memory = memory;
        this.layout = layout;
        this.file = file;
        this.locks = locks;
        this.recoverIfInterrupted = recoverIfInterrupted;
        Geometry geometry = layout.geometry();
        this.pageCount = geometry.pageCount();
        this.physicalCount = geometry.physicalPageCount();
        this.spareCount = geometry.spareCount();
        this.directoryOffset = layout.directoryOffset();
        this.spareTableOffset = layout.spareTableOffset();
    }

    /** @return the file offset of spare table entry {@code index} */
    long entry(int index) {
        return SpareTable.entryOffset(spareTableOffset, index);
    }

    /** A new file's spares: the physical pages after the logical pages' first homes, all free. */
    void initialise() {
        for (int i = 0; i < spareCount; i++) {
            memory.putLong(entry(i), SpareTable.word(pageCount + i, 0));
        }
    }

    private int physicalPageOf(int page) {
        return memory.getInt(PageDirectory.entryOffset(directoryOffset, page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
    }

    private boolean isPhysicalPage(int physical) {
        return physical >= 0 && physical < physicalCount;
    }

    // ---------------------------------------------------------------- a compaction's spare

    /**
     * Takes a free spare for {@code page} (step 1 of the protocol); a spare held by a page whose holder died is
     * recovered first.
     *
     * @return the index of the spare entry, now owned by {@code page}
     */
    int take(int page) {
        Backoff backoff = null;
        while (true) {
            for (int n = 0; n < spareCount; n++) {
                int index = (page + n) % spareCount;
                long word = memory.getLongVolatile(entry(index));
                if (SpareTable.owner(word) == 0
                        && memory.compareAndSetLong(entry(index), word, SpareTable.word(
                                SpareTable.physicalPage(word), page + 1))) {
                    return index;
                }
            }
            if (backoff == null) {
                backoff = locks.backoff("a spare page to compact page " + page + " into");
            }
            if (backoff.pause()) {
                recoverSparesOfDeadHolders(page);
            }
        }
    }

    private void recoverSparesOfDeadHolders(int page) {
        for (int index = 0; index < spareCount; index++) {
            long word = memory.getLongVolatile(entry(index));
            int owner = SpareTable.owner(word) - 1;
            int physical = SpareTable.physicalPage(word);
            if (owner >= pageCount || owner == page) {
                // Owned by no page that exists, or by this page, which holds its lock and owns no spare while it
                // looks for one: damage that nobody would ever release, and every compaction would wait for it
                // until its lock timeout (fuzzing campaigns found both a live page and one out of range named
                // here). Free it: whoever takes it checks the page it names first (checked).
                memory.compareAndSetLong(entry(index), word, SpareTable.word(physical, 0));
                continue;
            }
            if (owner >= 0 && owner < pageCount && owner != page && locks.tryLockAbandoned(owner)) {
                try {
                    if (!recoverIfInterrupted.test(owner)) {
                        settle(owner); // an idle page owns no spare: any it names is damage, freed here
                    }
                } finally {
                    locks.unlock(owner);
                }
            }
        }
    }

    /**
     * @return the word of spare entry {@code spare}, which {@code page} has just taken, once it names a physical
     *     page that is safe to build in. A damaged table can name a page out of range, a live page or a page another
     *     entry also names; building there would destroy that page, or two compactions would build in one page. Such
     *     a name is replaced by a physical page that nothing names. Each compactor checks after its own CAS, so of
     *     two that claim one physical page at once, at least one sees the other and moves on (every CAS and load
     *     here is sequentially consistent).
     */
    long checked(int page, int current, int spare) {
        long word = memory.getLongVolatile(entry(spare));
        for (int attempt = 0; attempt <= physicalCount; attempt++) {
            int target = SpareTable.physicalPage(word);
            if (isPhysicalPage(target) && target != current && !isLive(target)
                    && !namedByAnotherSpare(target, spare)) {
                return word;
            }
            long orphanWord = SpareTable.word(orphanPhysicalPage(-1, spare), page + 1);
            if (!memory.compareAndSetLong(entry(spare), word, orphanWord)) {
                throw spareChanged(spare, page);
            }
            word = orphanWord;
        }
        throw new io.fastmmap.CacheCorruptedException(file + ": page " + page + " found no physical page to "
                + "compact into that no other page or spare entry names; the file is damaged: recreate it");
    }

    /**
     * Step 4 of the protocol, after the commit: disowns {@code released}, {@code page}'s physical page before the
     * commit, and frees spare entry {@code spare} naming it, so the old page is the new spare.
     *
     * @param spareWord the entry's word as {@link #checked} returned it
     */
    void giveBack(int page, int spare, long spareWord, int released) {
        disown(released);
        if (!memory.compareAndSetLong(entry(spare), spareWord, SpareTable.word(released, 0))) {
            throw spareChanged(spare, page);
        }
    }

    private io.fastmmap.CacheCorruptedException spareChanged(int spare, int page) {
        return new io.fastmmap.CacheCorruptedException(file + ": spare table entry " + spare + " changed while page "
                + page + " owned it; the file is damaged: run repair(), or recreate it");
    }

    /**
     * Marks a physical page that a compaction has just released as nobody's: its header stops naming the logical
     * page. Left naming it, a directory entry damaged to name it (one flipped bit of the physical page number) would
     * pass every check and serve the whole older image, superseded values and removed keys; repair kept them
     * (BitFlipTest found this once it flipped pages that went through compactions, issue 19). After the commit, so
     * a crash before it leaves the image of before intact; a crash after it and before this store leaves the page
     * as it was before this change, named by its spare entry, which repair never takes as a page's own.
     */
    private void disown(int physical) {
        if (isPhysicalPage(physical)) {
            memory.putInt(layout.physicalPageOffset(physical) + LOGICAL_PAGE_OFFSET, -1);
        }
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Frees every spare entry {@code page} owns, as a compactor that died left it: committed (the directory names
     * the spare), the page's previous physical page is the one to free; not committed, the spare itself.
     */
    void settle(int page) {
        for (int index = 0; index < spareCount; index++) {
            long word = memory.getLongVolatile(entry(index));
            if (SpareTable.owner(word) != page + 1) {
                continue;
            }
            int spare = SpareTable.physicalPage(word);
            int current = physicalPageOf(page);
            int free = spare;
            // Committed: the page's previous physical page is the one to free. (Both naming a page out of range is
            // damage; the entry is freed as it is, and whoever takes it checks it: docs/reliability.md, finding 19.)
            if (spare == current && isPhysicalPage(spare)) {
                free = memory.getInt(layout.physicalPageOffset(spare) + PREVIOUS_PHYSICAL_OFFSET);
                if (!isUnshared(free, -1, index)) {
                    free = orphanPhysicalPage(-1, index);
                }
            }
            memory.compareAndSetLong(entry(index), word, SpareTable.word(free, 0));
        }
    }

    /**
     * A spare entry that names the page's own live physical page is damage of the spare table, not of the page,
     * whoever owns the entry: no compaction can legitimately hold a page that is live (it checks after taking it,
     * and the page's directory entry changes only under the lock held here). So the page keeps its physical page and
     * its entries (acknowledged writes among them), and the entry gets a page nobody uses, keeping its owner if that
     * page exists, whether the entry is free, owned by a page that does not exist, or owned by an idle page
     * (docs/reliability.md, findings 9 and 15).
     */
    void releaseFrom(int page, int physical) {
        if (!isOwnLivePage(page, physical)) {
            return;
        }
        for (int index = 0; index < spareCount; index++) {
            long word = memory.getLongVolatile(entry(index));
            if (SpareTable.physicalPage(word) == physical) {
                int owner = SpareTable.owner(word);
                memory.compareAndSetLong(entry(index), word,
                        SpareTable.word(orphanPhysicalPage(-1, index), owner > pageCount ? 0 : owner));
            }
        }
    }

    /**
     * @return the physical page that holds {@code page}'s image although its directory entry names another (the
     *     entry was damaged): the one whose header names the page, whose free offset agrees with the directory's
     *     check copy, and which no other directory entry and no spare entry names; -1 when there is none
     */
    int ownUnnamedImage(int page) {
        int freeCheck = memory.getInt(PageDirectory.entryOffset(directoryOffset, page)
                + PageDirectory.FREE_CHECK_OFFSET);
        for (int physical = 0; physical < physicalCount; physical++) {
            long base = layout.physicalPageOffset(physical);
            if (memory.getInt(base) == PageFormat.MAGIC && memory.getInt(base + LOGICAL_PAGE_OFFSET) == page
                    && memory.getInt(base + FREE_OFFSET) == ~freeCheck && isUnshared(physical, page, -1)) {
                return physical;
            }
        }
        return -1;
    }

    /**
     * @return true when {@code physical} is {@code page}'s own: its header names the page and the page's directory
     *     entry names it. Another directory entry naming it too is that other page's damage, not this one's: the
     *     other page's every operation checks the header first and repairs itself onto an unused page, and this
     *     page keeps its entries (docs/reliability.md, finding 16).
     */
    boolean isOwnLivePage(int page, int physical) {
        return isPhysicalPage(physical) && isLive(physical)
                && memory.getInt(layout.physicalPageOffset(physical) + LOGICAL_PAGE_OFFSET) == page;
    }

    /** @return true when {@code physical}'s header names a logical page whose directory entry names it back */
    private boolean isLive(int physical) {
        long base = layout.physicalPageOffset(physical);
        int logical = memory.getInt(base + LOGICAL_PAGE_OFFSET);
        return memory.getInt(base) == PageFormat.MAGIC && logical >= 0 && logical < pageCount
                && physicalPageOf(logical) == physical;
    }

    /**
     * @return true when {@code physical} is a valid index that no directory entry (other than
     *     {@code ownerPage}'s) and no spare entry (other than {@code ignoredSpare}) names
     */
    boolean isUnshared(int physical, int ownerPage, int ignoredSpare) {
        if (!isPhysicalPage(physical)) {
            return false;
        }
        for (int page = 0; page < pageCount; page++) {
            if (page != ownerPage && physicalPageOf(page) == physical) {
                return false;
            }
        }
        return !namedByAnotherSpare(physical, ignoredSpare);
    }

    private boolean namedByAnotherSpare(int physical, int spare) {
        for (int index = 0; index < spareCount; index++) {
            if (index != spare && SpareTable.physicalPage(memory.getLongVolatile(entry(index))) == physical) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return a physical page that no directory entry (other than {@code ownerPage}'s) and no spare entry (other
     *     than {@code ignoredSpare}) names
     */
    int orphanPhysicalPage(int ownerPage, int ignoredSpare) {
        for (int physical = 0; physical < physicalCount; physical++) {
            if (isUnshared(physical, ownerPage, ignoredSpare)) {
                return physical;
            }
        }
        throw new io.fastmmap.CacheCorruptedException(file + ": the page directory and spare table name every "
                + "physical page more than once; the file is damaged beyond repair: recreate it");
    }
}
