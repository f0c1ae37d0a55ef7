package io.fastmmap.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * What the public views need from an open cache file, read-write ({@link Engine}) or read-only
 * ({@link ReadOnlyCache}): its pages one at a time, and its shared counters and space figures.
 */
public interface PagedCache {
    /** @return the cache file */
    Path file();

    /** @return the number of pages */
    int pageCount();

    /**
     * @param page the page index
     * @param withValues whether to copy the values too
     * @return the live entries of that page, copied while no writer changed it
     */
    List<PageScan.Entry> scanPage(int page, boolean withValues);

    /** @return evictions, expirations, page repairs, lock recoveries, protected evictions (in that order) */
    long[] sharedCounters();

    /** @return space used and free, summed over all pages */
    PageUsage usage();

    /** @return values this instance refused as too large for a page (a read-only view refuses none) */
    long tooLargeRefusalCount();
}
