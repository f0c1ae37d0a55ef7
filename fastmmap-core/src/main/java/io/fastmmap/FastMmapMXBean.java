package io.fastmmap;

/**
 * The JMX view of one open {@link FastMmap}, registered with the platform MBean server when the cache is built with
 * {@link FastMmap.Builder#jmx(boolean)}, under {@code io.fastmmap:type=FastMmap,file="<absolute path>"} (with
 * {@code ,instance=<n>} added when another instance in this JVM has that name already), and unregistered by
 * {@link FastMmap#close()}. The figures are those of {@link FastMmap#stats()}, with the same scopes: the
 * operation counts are this instance's, the rest file-wide.
 */
public interface FastMmapMXBean {
    /** @return the cache file's absolute path */
    String getFile();

    /** @return the number of pages */
    int getPageCount();

    /** @return bytes per page */
    int getPageSizeBytes();

    /** @return {@link CacheStats#entryCount()} */
    long getEntryCount();

    /** @return {@link CacheStats#usedBytes()} */
    long getUsedBytes();

    /** @return {@link CacheStats#freeBytes()} */
    long getFreeBytes();

    /** @return whether this instance counts hits, misses, sets and removes */
    boolean isStatsEnabled();

    /** @return {@link CacheStats#hitCount()} */
    long getHitCount();

    /** @return {@link CacheStats#missCount()} */
    long getMissCount();

    /** @return {@link CacheStats#setCount()} */
    long getSetCount();

    /** @return {@link CacheStats#removeCount()} */
    long getRemoveCount();

    /** @return {@link CacheStats#evictionCount()} */
    long getEvictionCount();

    /** @return {@link CacheStats#protectedEvictionCount()} */
    long getProtectedEvictionCount();

    /** @return {@link CacheStats#expirationCount()} */
    long getExpirationCount();

    /** @return {@link CacheStats#pageRepairCount()} */
    long getPageRepairCount();

    /** @return {@link CacheStats#lockRecoveryCount()} */
    long getLockRecoveryCount();

    /** @return {@link CacheStats#tooLargeRefusalCount()} */
    long getTooLargeRefusalCount();
}
