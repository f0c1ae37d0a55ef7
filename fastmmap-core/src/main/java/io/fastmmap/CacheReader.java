package io.fastmmap;

import io.fastmmap.internal.ReadOnlyCache;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * A read-only view of a cache file: for monitoring and tools, and for processes that may only read the file (mode
 * 0640 shared with a group, say). It maps the file read-only and never writes to it: it takes no process slot, no
 * page lock, and leaves least-recently-used order alone, so looking never disturbs the cache.
 *
 * <p>Pages are read optimistically, like {@link java.util.concurrent.locks.StampedLock}'s readers: a read that
 * overlaps a writer's change of the same page is retried, so every value returned is one that was stored, whole and
 * checksum-verified. It waits (up to 10 seconds) only while a page is being changed; a page that a dead process
 * left locked or half-changed can be recovered only by a read-write user ({@link FastMmap}), and is reported.
 *
 * {@snippet :
 * try (CacheReader reader = CacheReader.open(Path.of("/var/cache/myapp/cache.fmm"))) {
 *     byte[] value = reader.get(key);
 *     for (byte[] k : reader.keys()) { ... }
 * }
 * }
 */
public final class CacheReader implements AutoCloseable {
    private final ReadOnlyCache cache;

    private CacheReader(ReadOnlyCache cache) {
        this.cache = cache;
    }

    /**
     * Maps an existing cache file read-only, with the geometry its header records.
     *
     * @param file the cache file
     * @return the reader
     * @throws CacheFileException when the file is absent, not a regular file, or cannot be read
     * @throws IncompatibleCacheFileException when it is not a fastmmap file of a format this version reads
     * @throws CacheCorruptedException when its header is damaged or its size does not match it
     */
    public static CacheReader open(Path file) {
        return open(file, Clock.systemUTC());
    }

    /**
     * As {@link #open(Path)}, with the clock that decides which entries have expired.
     *
     * @param file the cache file
     * @param clock the wall clock the file's writers use
     * @return the reader
     */
    public static CacheReader open(Path file, Clock clock) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        return new CacheReader(ReadOnlyCache.open(file, clock));
    }

    /**
     * @param key the key
     * @return a copy of the live value, or null when absent or expired
     * @throws CacheCorruptedException when the key's page is damaged or was left half-changed by a dead process
     * @throws LockTimeoutException when the page stayed locked for 10 seconds
     */
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        return cache.get(key);
    }

    /** @return the live keys, page by page, as {@link FastMmap#keys()} (not a snapshot) */
    public Iterable<byte[]> keys() {
        return CacheViews.keys(cache);
    }

    /** @return key and metadata of the live entries, as {@link FastMmap#entries()} */
    public Iterable<CacheEntry> entries() {
        return CacheViews.entries(cache, false);
    }

    /** @return key, value and metadata of the live entries, as {@link FastMmap#entriesWithValues()} */
    public Iterable<CacheEntry> entriesWithValues() {
        return CacheViews.entries(cache, true);
    }

    /** @return the file's shared counters and space figures; the per-instance operation counters are 0 */
    public CacheStats stats() {
        return CacheViews.stats(cache, null);
    }

    /** @return the file this reads */
    public Path file() {
        return cache.file();
    }

    /** Unmaps the file (on Java 22+ at once; on 17 when the mapping is garbage-collected). */
    @Override
    public void close() {
        cache.close();
    }
}
