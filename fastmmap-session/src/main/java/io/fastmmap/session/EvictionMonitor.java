package io.fastmmap.session;

import io.fastmmap.FastMmap;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the file's eviction counter, which counts entries dropped for room before their time to live: for the
 * session store those are live sessions (or principal index entries), each one a user silently logged out. Reading
 * the counter sums every page, so it is checked at most once a second, from whichever request comes by; the WARN is
 * rate-limited and says how to size the file.
 */
final class EvictionMonitor {
    private static final System.Logger LOG = System.getLogger(SessionStore.class.getName());
    private static final long CHECK_INTERVAL_MILLIS = 1000;

    private final FastMmap cache;
    private final SessionStoreConfig config;
    private final long baseline;
    private final AtomicLong nextCheckMillis = new AtomicLong();
    private final AtomicLong warnedThrough;
    private volatile long lastSeen;
    private volatile long nextWarnMillis;

    EvictionMonitor(FastMmap cache, SessionStoreConfig config) {
        this.cache = cache;
        this.config = config;
        this.baseline = cache.stats().evictionCount();
        this.lastSeen = baseline;
        this.warnedThrough = new AtomicLong(baseline);
    }

    /** @return live entries evicted from the file (by any process) since this store opened it */
    long evictedSinceOpen() {
        long now = cache.stats().evictionCount();
        lastSeen = now;
        return now - baseline;
    }

    /**
     * Called after writes; cheap unless a second has passed since the last check.
     *
     * @param nowMillis the store's clock, as the write read it
     */
    void maybeCheck(long nowMillis) {
        long next = nextCheckMillis.get();
        if (nowMillis < next || !nextCheckMillis.compareAndSet(next, nowMillis + CHECK_INTERVAL_MILLIS)) {
            return;
        }
        long count = cache.stats().evictionCount();
        lastSeen = count;
        long warned = warnedThrough.get();
        if (count > warned && nowMillis >= nextWarnMillis && warnedThrough.compareAndSet(warned, count)) {
            nextWarnMillis = nowMillis + config.evictionWarningInterval().toMillis();
            LOG.log(Level.WARNING, () -> (count - warned) + " live session(s) were evicted from " + config.file()
                    + " to make room (" + (count - baseline) + " since this process opened it): those users lost"
                    + " their sessions before they expired. The file holds " + config.cacheSizeBytes() + " bytes in "
                    + config.pageSizeBytes() + "-byte pages; raise cache-size (fastmmap.session.cache-size), e.g. to "
                    + (config.cacheSizeBytes() * 2) + ", or keep sessions smaller. Next warning in "
                    + config.evictionWarningInterval().toSeconds() + " s at the earliest.");
        }
    }

    /** @return the last counter value read */
    long lastSeen() {
        return lastSeen;
    }
}
