package io.fastmmap;

import io.fastmmap.internal.PageScan;
import io.fastmmap.internal.PageUsage;
import io.fastmmap.internal.PagedCache;

/** The iteration and statistics that {@link FastMmap} and {@link CacheReader} offer alike over their file. */
final class CacheViews {
    private CacheViews() {
    }

    static Iterable<byte[]> keys(PagedCache cache) {
        return () -> new PageByPage<>(cache.file(), cache.pageCount(), page -> cache.scanPage(page, false),
                PageScan.Entry::key);
    }

    static Iterable<CacheEntry> entries(PagedCache cache, boolean withValues) {
        return () -> new PageByPage<>(cache.file(), cache.pageCount(), page -> cache.scanPage(page, withValues),
                CacheViews::toEntry);
    }

    static CacheEntry toEntry(PageScan.Entry entry) {
        return new CacheEntry(entry.key(), entry.value(), entry.expireAtMillis(), entry.flags());
    }

    /** @param counters this instance's operation counters, or null when it counts none */
    static CacheStats stats(PagedCache cache, OperationCounters counters) {
        long[] shared = cache.sharedCounters();
        PageUsage usage = cache.usage();
        CacheStats.Builder stats = CacheStats.builder().evictionCount(shared[0]).expirationCount(shared[1])
                .pageRepairCount(shared[2]).lockRecoveryCount(shared[3]).protectedEvictionCount(shared[4])
                .entryCount(usage.entryCount()).usedBytes(usage.usedBytes()).freeBytes(usage.freeBytes())
                .tooLargeRefusalCount(cache.tooLargeRefusalCount());
        if (counters != null) {
            stats.hitCount(counters.hits.sum()).missCount(counters.misses.sum()).setCount(counters.sets.sum())
                    .removeCount(counters.removes.sum());
        }
        return stats.build();
    }
}
