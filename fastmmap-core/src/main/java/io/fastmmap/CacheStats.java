package io.fastmmap;

/**
 * Counters of one cache file. Point-in-time values: each is exact when read, but together they are not one
 * snapshot.
 *
 * <p>Two kinds. <b>Shared</b> counters live in the file and sum what every process did: evictions, expirations,
 * page repairs, lock recoveries, and the space figures. <b>Operation</b> counters (hits, misses, sets, removes)
 * count what <em>this</em> {@link FastMmap} instance did, and only with {@link FastMmap.Builder#enableStats};
 * otherwise they are 0. Keeping them in the JVM means a read never writes to the shared file to be counted
 * (Perl's {@code enable_stats} writes the page header on every read, and its u32 counters wrap); add the figures
 * of several processes up yourself when you need a total.
 *
 * @param hitCount reads that found a live value ({@code get}, {@code multiGet}); this instance, stats enabled
 * @param missCount reads that found nothing or an expired entry; this instance, stats enabled
 * @param setCount values stored ({@code set}, {@code multiSet}, {@code getAndSet} that stored); this instance,
 *     stats enabled
 * @param removeCount entries removed on request ({@code remove}, {@code getAndRemove}, {@code getAndSet}
 *     returning null) that were present; this instance, stats enabled
 * @param evictionCount live (unexpired) entries dropped to make room, least recently used first; shared
 * @param protectedEvictionCount of those, entries of {@link EvictionClass#PROTECTED} (dropped only when their page
 *     held no ordinary entry to drop: the protected entries alone outgrew it); shared. Ordinary evictions are
 *     {@link #ordinaryEvictionCount()}
 * @param expirationCount expired entries dropped; shared
 * @param pageRepairCount pages rebuilt after a process died mid-update or damage was found; shared
 * @param lockRecoveryCount page locks taken over from a process that died holding them; shared
 * @param entryCount entries stored in all pages, including expired ones not yet dropped; shared; like the two
 *     space figures, read from the page headers without locking
 * @param usedBytes bytes those entries take in the pages (headers, keys and values); shared
 * @param freeBytes bytes of page data area available to new entries, counting space a compaction reclaims; shared
 * @param tooLargeRefusalCount values refused with {@link ValueTooLargeException} because their entry can never fit
 *     in one page (a whole {@code multiSet} counts once); this instance, counted with or without stats enabled
 */
public record CacheStats(long hitCount, long missCount, long setCount, long removeCount, long evictionCount,
        long protectedEvictionCount, long expirationCount, long pageRepairCount, long lockRecoveryCount, long entryCount, long usedBytes,
        long freeBytes, long tooLargeRefusalCount) {
    /** @return evictions of {@link EvictionClass#ORDINARY} entries: all evictions but the protected ones */
    public long ordinaryEvictionCount() {
        return evictionCount - protectedEvictionCount;
    }

    /** @return hits / (hits + misses), or NaN before the first counted read */
    public double hitRatio() {
        long reads = hitCount + missCount;
        return reads == 0 ? Double.NaN : (double) hitCount / reads;
    }
}
