package io.fastmmap.internal;

import io.fastmmap.LockTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Checks the spare table ({@link SpareTable}) for {@link PageVerifier}, and rebuilds it when repairing.
 *
 * <p>The table is derived data: between compactions its entries name exactly the physical pages that no page
 * directory entry names. That is what makes a rebuild safe: with every page locked, no compaction owns an entry,
 * so the directory alone says which physical pages are spare.
 */
final class SpareTableCheck {
    private final SharedMemory memory;
    private final PageStore store;
    private final PageLocks locks;
    private final int pageCount;
    private final int physicalCount;
    private final int spareCount;

    SpareTableCheck(SharedMemory memory, Geometry geometry, PageStore store, PageLocks locks) {
        this.memory = memory;
        this.store = store;
        this.locks = locks;
        this.pageCount = geometry.pageCount();
        this.physicalCount = geometry.physicalPageCount();
        this.spareCount = geometry.spareCount();
    }

    /**
     * Each free entry must name a valid physical page that no other free entry names. A page compacting right now
     * owns its entry and may name its page twice for an instant, so only free entries count, and a problem must
     * still be there on a second look (the table is read without locks).
     *
     * @return what is wrong, empty when nothing is
     */
    List<String> problems() {
        Set<String> first = lookOnce();
        if (!first.isEmpty()) {
            first.retainAll(lookOnce());
        }
        return new ArrayList<>(first);
    }

    private Set<String> lookOnce() {
        Set<String> problems = new LinkedHashSet<>();
        int[] namedBy = new int[physicalCount];
        Arrays.fill(namedBy, -1);
        for (int index = 0; index < spareCount; index++) {
            long word = memory.getLongVolatile(store.spares().entry(index));
            int physical = SpareTable.physicalPage(word);
            int owner = SpareTable.owner(word);
            if (!store.isPhysicalPage(physical)) {
                problems.add("spare table entry " + index + " names physical page " + physical + " of "
                        + physicalCount);
            } else if (owner > pageCount) {
                problems.add("spare table entry " + index + " is owned by page " + (owner - 1) + " of " + pageCount);
            } else if (owner == 0) {
                if (namedBy[physical] >= 0) {
                    problems.add("spare table entries " + namedBy[physical] + " and " + index
                            + " both name physical page " + physical);
                }
                namedBy[physical] = index;
            }
        }
        return problems;
    }

    /**
     * Rewrites every entry as free, naming the physical pages no directory entry names. Takes every page lock, in
     * page order (so it cannot deadlock with another process doing the same), and gives up when one is not free
     * within the lock timeout.
     *
     * @param lock takes a page lock the way every operation does
     * @return true when the table was rewritten and now checks clean
     */
    boolean rebuild(IntConsumer lock) {
        int locked = 0;
        try {
            for (; locked < pageCount; locked++) {
                lock.accept(locked);
            }
            boolean[] named = new boolean[physicalCount];
            for (int page = 0; page < pageCount; page++) {
                int physical = memory.getInt(store.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
                if (store.isPhysicalPage(physical)) {
                    named[physical] = true;
                }
            }
            int index = 0;
            for (int physical = 0; physical < physicalCount && index < spareCount; physical++) {
                if (!named[physical]) {
                    memory.putLongVolatile(store.spares().entry(index++), SpareTable.word(physical, 0));
                }
            }
            return problems().isEmpty(); // pageCount entries name at most pageCount pages: spareCount are left

        } catch (LockTimeoutException busy) {
            return false;
        } finally {
            for (int page = 0; page < locked; page++) {
                locks.unlock(page);
            }
        }
    }
}
