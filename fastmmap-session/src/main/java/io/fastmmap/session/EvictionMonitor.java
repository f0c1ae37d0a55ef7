package io.fastmmap.session;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the file's eviction counters, which count entries dropped for room before their time to live, by
 * eviction class: anonymous sessions are ordinary, sessions with a principal and the principal index are protected
 * (evicted only when a page holds nothing else to evict). Each eviction is a user silently logged out or an
 * anonymous visitor's session lost. Reading the counters sums every page, so they are checked at most once a
 * second, from whichever request comes by; the WARN is rate-limited and says what to do: a flood of anonymous
 * sessions calls for session creation policy and rate limits, logged-in users evicted for a larger file.
 */
final class EvictionMonitor {
    private static final System.Logger LOG = System.getLogger(SessionStore.class.getName());
    private static final long CHECK_INTERVAL_MILLIS = 1000;

    private final FastMmap cache;
    private final SessionStoreConfig config;
    private final CacheFileInfo fileInfo;
    private final long baseline;
    private final long protectedBaseline;
    private final AtomicLong nextCheckMillis = new AtomicLong();
    private final AtomicLong warnedThrough;
    private final AtomicLong protectedWarnedThrough;
    private volatile long nextWarnMillis;

    EvictionMonitor(FastMmap cache, SessionStoreConfig config, CacheFileInfo fileInfo) {
        this.cache = cache;
        this.config = config;
        this.fileInfo = fileInfo;
        CacheStats stats = cache.stats();
        this.baseline = stats.evictionCount();
        this.protectedBaseline = stats.protectedEvictionCount();
        this.warnedThrough = new AtomicLong(baseline);
        this.protectedWarnedThrough = new AtomicLong(protectedBaseline);
    }

    /** @return live entries evicted from the file (by any process) since this store opened it */
    long evictedSinceOpen() {
        return cache.stats().evictionCount() - baseline;
    }

    /** @return of those, protected ones: sessions with a principal and principal index entries */
    long protectedEvictedSinceOpen() {
        return cache.stats().protectedEvictionCount() - protectedBaseline;
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
        CacheStats stats = cache.stats();
        long count = stats.evictionCount();
        long protectedCount = stats.protectedEvictionCount();
        long warned = warnedThrough.get();
        long protectedWarned = protectedWarnedThrough.get();
        if (count > warned && nowMillis >= nextWarnMillis && warnedThrough.compareAndSet(warned, count)) {
            protectedWarnedThrough.set(protectedCount);
            nextWarnMillis = nowMillis + config.evictionWarningInterval().toMillis();
            long loggedIn = protectedCount - protectedWarned;
            long anonymous = (count - warned) - loggedIn;
            LOG.log(Level.WARNING, () -> message(anonymous, loggedIn, count - baseline));
        }
    }

    private String message(long anonymous, long loggedIn, long sinceOpen) {
        String sizing = "The file holds " + fileInfo.cacheSizeBytes() + " bytes in " + fileInfo.pageSizeBytes()
                + "-byte pages; raise cache-size (fastmmap.session.cache-size), e.g. to "
                + (fileInfo.cacheSizeBytes() * 2) + ", or keep sessions smaller.";
        String text;
        if (loggedIn > 0) {
            text = loggedIn + " session(s) of logged-in users (or principal index entries) and " + anonymous
                    + " anonymous session(s) were evicted from " + config.file() + " to make room: those users"
                    + " were logged out before their sessions expired. Logged-in sessions go only when a page holds"
                    + " no anonymous one, so they alone outgrew the file. " + sizing;
        } else {
            text = anonymous + " anonymous session(s) (no principal) were evicted from " + config.file()
                    + " to make room; no logged-in user lost a session (they are evicted last). Many of them point"
                    + " at sessions created for every cookieless request (crawlers, health checks, an attacker):"
                    + " create sessions only where needed (Spring Security's SessionCreationPolicy.IF_REQUIRED or"
                    + " NEVER, no session access on public pages) and rate-limit anonymous clients"
                    + " (docs/session.md, \"Floods of anonymous sessions\"). " + sizing;
        }
        return text + " " + sinceOpen + " eviction(s) since this process opened the file. Next warning in "
                + config.evictionWarningInterval().toSeconds() + " s at the earliest.";
    }
}
