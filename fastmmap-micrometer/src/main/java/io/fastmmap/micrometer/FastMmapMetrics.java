package io.fastmmap.micrometer;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.TypedCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for one {@link FastMmap} (or the {@link TypedCache} over it), named by Micrometer's cache
 * conventions so that cache dashboards work unchanged, plus the figures only a shared file has. Every meter is
 * tagged {@code cache=<name>} and with the caller's tags.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Meter</th><th>Type</th><th>Counts</th><th>Scope</th></tr>
 *   <tr><td>{@code cache.gets{result=hit|miss}}</td><td>counter</td><td>reads that found a live value / found
 *       nothing</td><td rowspan="3">this instance; only with {@link FastMmap.Builder#enableStats}</td></tr>
 *   <tr><td>{@code cache.puts}</td><td>counter</td><td>values stored</td></tr>
 *   <tr><td>{@code cache.removals}</td><td>counter</td><td>entries removed on request</td></tr>
 *   <tr><td>{@code cache.store.failures{reason=too_large}}</td><td>counter</td><td>values refused as too large for
 *       a page</td><td>this instance, always</td></tr>
 *   <tr><td>{@code cache.size}</td><td>gauge</td><td>entries in the file, expired ones not yet dropped
 *       included</td><td rowspan="7">the file: what every process sharing it did</td></tr>
 *   <tr><td>{@code cache.evictions}</td><td>counter</td><td>live entries dropped to make room</td></tr>
 *   <tr><td>{@code cache.expirations}</td><td>counter</td><td>expired entries dropped</td></tr>
 *   <tr><td>{@code cache.lock.recoveries}</td><td>counter</td><td>page locks taken over from a dead process</td></tr>
 *   <tr><td>{@code cache.page.repairs}</td><td>counter</td><td>pages rebuilt after a crash or damage</td></tr>
 *   <tr><td>{@code cache.data.used}</td><td>gauge, bytes</td><td>space the entries take</td></tr>
 *   <tr><td>{@code cache.data.free}</td><td>gauge, bytes</td><td>space left for new entries</td></tr>
 * </table>
 *
 * <p><b>Two scopes.</b> Hits, misses, puts and removals are counted in the JVM by the one {@link FastMmap} instance
 * (so that a read never writes to the shared file), and only when it was built with
 * {@code enableStats(true)}; without it those meters are not registered (as Micrometer's Caffeine binder does
 * without {@code recordStats()}) and an INFO log line says so. Sum them over your processes for a host-wide hit ratio.
 * The other meters are read from the file itself, so every process reports the same, file-wide figures: do not
 * sum them across processes. See {@link CacheStats}.
 *
 * <p>Reading the meters takes no page lock. A closed cache reads as NaN (counters, space) or 0 ({@code cache.size},
 * {@code cache.evictions}, whose gauges Micrometer's base binder owns). The binder holds the cache weakly.
 *
 * {@snippet :
 * FastMmap cache = FastMmap.builder(file).enableStats(true).build();
 * FastMmapMetrics.monitor(registry, cache, "sessions");
 * }
 */
public final class FastMmapMetrics extends CacheMeterBinder<FastMmap> {
    private static final System.Logger LOG = System.getLogger(FastMmapMetrics.class.getName());
    private static final String THIS_INSTANCE = " by this FastMmap instance only (not by other processes or other "
            + "instances on the same file); counted only when the cache was built with enableStats(true).";
    private static final String FILE_WIDE = " by every process sharing the cache file (kept in the file, so every "
            + "process reports the same figure: do not sum it across processes).";
    private static final long UNSUPPORTED = -1; // CacheMeterBinder's own constant is package-private

    private final String cacheName;

    /**
     * @param cache the cache to measure
     * @param cacheName the value of the {@code cache} tag
     * @param tags further tags for every meter
     */
    public FastMmapMetrics(FastMmap cache, String cacheName, Iterable<Tag> tags) {
        super(Objects.requireNonNull(cache, "cache"), Objects.requireNonNull(cacheName, "cacheName"), tags);
        this.cacheName = cacheName;
    }

    /**
     * Measures the {@link FastMmap} under a {@link TypedCache}: its reads and writes are counted there.
     *
     * @param cache the cache to measure
     * @param cacheName the value of the {@code cache} tag
     * @param tags further tags for every meter
     */
    public FastMmapMetrics(TypedCache<?, ?> cache, String cacheName, Iterable<Tag> tags) {
        this(Objects.requireNonNull(cache, "cache").raw(), cacheName, tags);
    }

    /**
     * Registers the meters of {@code cache} with {@code registry}.
     *
     * @param tags further tags as key/value pairs
     * @return {@code cache}
     */
    public static FastMmap monitor(MeterRegistry registry, FastMmap cache, String cacheName, String... tags) {
        return monitor(registry, cache, cacheName, Tags.of(tags));
    }

    /**
     * Registers the meters of {@code cache} with {@code registry}.
     *
     * @return {@code cache}
     */
    public static FastMmap monitor(MeterRegistry registry, FastMmap cache, String cacheName, Iterable<Tag> tags) {
        new FastMmapMetrics(cache, cacheName, tags).bindTo(registry);
        return cache;
    }

    /**
     * Registers the meters of the file under {@code cache} with {@code registry}.
     *
     * @param tags further tags as key/value pairs
     * @return {@code cache}
     */
    public static <K, V> TypedCache<K, V> monitor(MeterRegistry registry, TypedCache<K, V> cache, String cacheName,
            String... tags) {
        return monitor(registry, cache, cacheName, Tags.of(tags));
    }

    /**
     * Registers the meters of the file under {@code cache} with {@code registry}.
     *
     * @return {@code cache}
     */
    public static <K, V> TypedCache<K, V> monitor(MeterRegistry registry, TypedCache<K, V> cache, String cacheName,
            Iterable<Tag> tags) {
        new FastMmapMetrics(cache, cacheName, tags).bindTo(registry);
        return cache;
    }

    // The base class registers cache.size and cache.evictions from these; hits, misses and puts are registered
    // below instead, with descriptions that say they are this instance's and need enableStats.

    @Override
    protected Long size() {
        CacheStats stats = stats(getCache());
        return stats == null ? null : stats.entryCount();
    }

    @Override
    protected long hitCount() {
        return UNSUPPORTED;
    }

    @Override
    protected Long missCount() {
        return null;
    }

    @Override
    protected Long evictionCount() {
        CacheStats stats = stats(getCache());
        return stats == null ? null : stats.evictionCount();
    }

    @Override
    protected long putCount() {
        return UNSUPPORTED;
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        FastMmap cache = getCache();
        if (cache == null) {
            return;
        }
        if (cache.statsEnabled()) {
            counter(registry, cache, "cache.gets", Tags.of("result", "hit"), CacheStats::hitCount,
                    "Reads (get, multiGet, TypedCache get and getAll) that found a live value," + THIS_INSTANCE);
            counter(registry, cache, "cache.gets", Tags.of("result", "miss"), CacheStats::missCount,
                    "Reads that found no value or an expired one," + THIS_INSTANCE);
            counter(registry, cache, "cache.puts", Tags.empty(), CacheStats::setCount,
                    "Values stored (set, multiSet, getAndSet and TypedCache writes that stored one)," + THIS_INSTANCE);
            counter(registry, cache, "cache.removals", Tags.empty(), CacheStats::removeCount,
                    "Entries removed on request that were present," + THIS_INSTANCE);
        } else {
            // INFO, not WARNING: a cache the application did not build itself (the session store's) cannot be
            // given enableStats, and the file-wide meters still work.
            LOG.log(System.Logger.Level.INFO, () -> "fastmmap cache '" + cacheName + "' (" + cache.file()
                    + ") does not count hits, misses, puts and removals (its FastMmap was built without "
                    + "enableStats(true)), so cache.gets, cache.puts and cache.removals are not registered; the "
                    + "file-wide meters are.");
        }
        counter(registry, cache, "cache.store.failures", Tags.of("reason", "too_large"),
                CacheStats::tooLargeRefusalCount, "Values refused (ValueTooLargeException) because their entry can "
                        + "never fit in one page: raise pageSize, or store less; counted by this FastMmap instance "
                        + "only, with or without enableStats.");
        counter(registry, cache, "cache.expirations", Tags.empty(), CacheStats::expirationCount,
                "Expired entries dropped (apart from cache.evictions)," + FILE_WIDE);
        counter(registry, cache, "cache.lock.recoveries", Tags.empty(), CacheStats::lockRecoveryCount,
                "Page locks taken over from a process that died holding them," + FILE_WIDE);
        counter(registry, cache, "cache.page.repairs", Tags.empty(), CacheStats::pageRepairCount,
                "Pages rebuilt after a process died in the middle of changing them or damage was found," + FILE_WIDE);
        gauge(registry, cache, "cache.data.used", CacheStats::usedBytes,
                "Bytes the entries take in the pages (record headers, keys and values), read without locks;"
                        + FILE_WIDE);
        gauge(registry, cache, "cache.data.free", CacheStats::freeBytes,
                "Bytes of page data area left for new entries, counting space a compaction reclaims, read without "
                        + "locks;" + FILE_WIDE);
    }

    private void counter(MeterRegistry registry, FastMmap cache, String name, Tags extra, ToLongFunction<CacheStats> f,
            String description) {
        FunctionCounter.builder(name, cache, c -> figure(c, f))
                .tags(getTagsWithCacheName()).tags(extra).description(description).register(registry);
    }

    private void gauge(MeterRegistry registry, FastMmap cache, String name, ToLongFunction<CacheStats> f,
            String description) {
        Gauge.builder(name, cache, c -> figure(c, f))
                .tags(getTagsWithCacheName()).baseUnit(BaseUnits.BYTES).description(description).register(registry);
    }

    private static double figure(FastMmap cache, ToLongFunction<CacheStats> f) {
        CacheStats stats = stats(cache);
        return stats == null ? Double.NaN : f.applyAsLong(stats);
    }

    /** @return the cache's statistics, or null when it was garbage-collected or closed (a scrape must not throw) */
    private static CacheStats stats(FastMmap cache) {
        if (cache == null) {
            return null;
        }
        try {
            return cache.stats();
        } catch (CacheClosedException e) {
            return null;
        }
    }
}
