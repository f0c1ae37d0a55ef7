package io.fastmmap;

import java.util.Arrays;
import java.util.StringJoiner;

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
 * <p>A final class built by {@link #builder()} rather than a record, so that a new counter is one more accessor and
 * builder method, and no caller's code breaks.
 */
public final class CacheStats {
    private static final String[] NAMES = {"hitCount", "missCount", "setCount", "removeCount", "evictionCount",
            "protectedEvictionCount", "expirationCount", "pageRepairCount", "lockRecoveryCount", "entryCount",
            "usedBytes", "freeBytes", "tooLargeRefusalCount"};

    private final long hitCount;
    private final long missCount;
    private final long setCount;
    private final long removeCount;
    private final long evictionCount;
    private final long protectedEvictionCount;
    private final long expirationCount;
    private final long pageRepairCount;
    private final long lockRecoveryCount;
    private final long entryCount;
    private final long usedBytes;
    private final long freeBytes;
    private final long tooLargeRefusalCount;

    private CacheStats(Builder builder) {
        this.hitCount = builder.hitCount;
        this.missCount = builder.missCount;
        this.setCount = builder.setCount;
        this.removeCount = builder.removeCount;
        this.evictionCount = builder.evictionCount;
        this.protectedEvictionCount = builder.protectedEvictionCount;
        this.expirationCount = builder.expirationCount;
        this.pageRepairCount = builder.pageRepairCount;
        this.lockRecoveryCount = builder.lockRecoveryCount;
        this.entryCount = builder.entryCount;
        this.usedBytes = builder.usedBytes;
        this.freeBytes = builder.freeBytes;
        this.tooLargeRefusalCount = builder.tooLargeRefusalCount;
    }

    /**
     * For tools and tests that report figures they read elsewhere (another process, a file); caches make their own
     * with {@link FastMmap#stats()} and {@link CacheReader#stats()}.
     *
     * @return a builder whose counters all start at 0
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return reads that found a live value ({@code get}, {@code multiGet}); this instance, stats enabled */
    public long hitCount() {
        return hitCount;
    }

    /** @return reads that found nothing or an expired entry; this instance, stats enabled */
    public long missCount() {
        return missCount;
    }

    /** @return values stored ({@code set}, {@code multiSet}, {@code getAndSet} that stored); this instance, stats
     *     enabled */
    public long setCount() {
        return setCount;
    }

    /** @return entries removed on request ({@code remove}, {@code getAndRemove}, {@code getAndSet} returning null)
     *     that were present; this instance, stats enabled */
    public long removeCount() {
        return removeCount;
    }

    /** @return live (unexpired) entries dropped to make room, least recently used first; shared */
    public long evictionCount() {
        return evictionCount;
    }

    /** @return of the evictions, entries of {@link EvictionClass#PROTECTED} (dropped only when their page
     *     held no ordinary entry to drop: the protected entries alone outgrew it); shared. Ordinary evictions are
     *     {@link #ordinaryEvictionCount()} */
    public long protectedEvictionCount() {
        return protectedEvictionCount;
    }

    /** @return expired entries dropped; shared */
    public long expirationCount() {
        return expirationCount;
    }

    /** @return pages rebuilt after a process died mid-update or damage was found; shared */
    public long pageRepairCount() {
        return pageRepairCount;
    }

    /** @return page locks taken over from a process that died holding them; shared */
    public long lockRecoveryCount() {
        return lockRecoveryCount;
    }

    /** @return entries stored in all pages, including expired ones not yet dropped; shared; like the two space
     *     figures, read from the page headers without locking */
    public long entryCount() {
        return entryCount;
    }

    /** @return bytes those entries take in the pages (headers, keys and values); shared */
    public long usedBytes() {
        return usedBytes;
    }

    /** @return bytes of page data area available to new entries, counting space a compaction reclaims; shared */
    public long freeBytes() {
        return freeBytes;
    }

    /** @return values refused with {@link ValueTooLargeException} because their entry can never fit in one page (a
     *     whole {@code multiSet} counts once); this instance, counted with or without stats enabled */
    public long tooLargeRefusalCount() {
        return tooLargeRefusalCount;
    }

    /** @return evictions of {@link EvictionClass#ORDINARY} entries: all evictions but the protected ones */
    public long ordinaryEvictionCount() {
        return evictionCount - protectedEvictionCount;
    }

    /** @return hits / (hits + misses), or NaN before the first counted read */
    public double hitRatio() {
        long reads = hitCount + missCount;
        return reads == 0 ? Double.NaN : (double) hitCount / reads;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheStats && Arrays.equals(values(), ((CacheStats) other).values());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values());
    }

    @Override
    public String toString() {
        long[] values = values();
        StringJoiner text = new StringJoiner(", ", "CacheStats[", "]");
        for (int i = 0; i < NAMES.length; i++) {
            text.add(NAMES[i] + "=" + values[i]);
        }
        return text.toString();
    }

    private long[] values() {
        return new long[] {hitCount, missCount, setCount, removeCount, evictionCount,
                protectedEvictionCount, expirationCount, pageRepairCount, lockRecoveryCount, entryCount,
                usedBytes, freeBytes, tooLargeRefusalCount};
    }

    /** Sets the counters of a {@link CacheStats}; each starts at 0. */
    public static final class Builder {
        private long hitCount;
        private long missCount;
        private long setCount;
        private long removeCount;
        private long evictionCount;
        private long protectedEvictionCount;
        private long expirationCount;
        private long pageRepairCount;
        private long lockRecoveryCount;
        private long entryCount;
        private long usedBytes;
        private long freeBytes;
        private long tooLargeRefusalCount;

        private Builder() {
        }

        /**
         * @param hitCount see {@link CacheStats#hitCount()}
         * @return this builder
         */
        public Builder hitCount(long hitCount) {
            this.hitCount = hitCount;
            return this;
        }

        /**
         * @param missCount see {@link CacheStats#missCount()}
         * @return this builder
         */
        public Builder missCount(long missCount) {
            this.missCount = missCount;
            return this;
        }

        /**
         * @param setCount see {@link CacheStats#setCount()}
         * @return this builder
         */
        public Builder setCount(long setCount) {
            this.setCount = setCount;
            return this;
        }

        /**
         * @param removeCount see {@link CacheStats#removeCount()}
         * @return this builder
         */
        public Builder removeCount(long removeCount) {
            this.removeCount = removeCount;
            return this;
        }

        /**
         * @param evictionCount see {@link CacheStats#evictionCount()}
         * @return this builder
         */
        public Builder evictionCount(long evictionCount) {
            this.evictionCount = evictionCount;
            return this;
        }

        /**
         * @param protectedEvictionCount see {@link CacheStats#protectedEvictionCount()}
         * @return this builder
         */
        public Builder protectedEvictionCount(long protectedEvictionCount) {
            this.protectedEvictionCount = protectedEvictionCount;
            return this;
        }

        /**
         * @param expirationCount see {@link CacheStats#expirationCount()}
         * @return this builder
         */
        public Builder expirationCount(long expirationCount) {
            this.expirationCount = expirationCount;
            return this;
        }

        /**
         * @param pageRepairCount see {@link CacheStats#pageRepairCount()}
         * @return this builder
         */
        public Builder pageRepairCount(long pageRepairCount) {
            this.pageRepairCount = pageRepairCount;
            return this;
        }

        /**
         * @param lockRecoveryCount see {@link CacheStats#lockRecoveryCount()}
         * @return this builder
         */
        public Builder lockRecoveryCount(long lockRecoveryCount) {
            this.lockRecoveryCount = lockRecoveryCount;
            return this;
        }

        /**
         * @param entryCount see {@link CacheStats#entryCount()}
         * @return this builder
         */
        public Builder entryCount(long entryCount) {
            this.entryCount = entryCount;
            return this;
        }

        /**
         * @param usedBytes see {@link CacheStats#usedBytes()}
         * @return this builder
         */
        public Builder usedBytes(long usedBytes) {
            this.usedBytes = usedBytes;
            return this;
        }

        /**
         * @param freeBytes see {@link CacheStats#freeBytes()}
         * @return this builder
         */
        public Builder freeBytes(long freeBytes) {
            this.freeBytes = freeBytes;
            return this;
        }

        /**
         * @param tooLargeRefusalCount see {@link CacheStats#tooLargeRefusalCount()}
         * @return this builder
         */
        public Builder tooLargeRefusalCount(long tooLargeRefusalCount) {
            this.tooLargeRefusalCount = tooLargeRefusalCount;
            return this;
        }

        /** @return the figures set so far */
        public CacheStats build() {
            return new CacheStats(this);
        }
    }
}
