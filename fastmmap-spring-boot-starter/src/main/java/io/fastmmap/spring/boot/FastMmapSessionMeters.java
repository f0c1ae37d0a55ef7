package io.fastmmap.spring.boot;

import io.fastmmap.CacheClosedException;
import io.fastmmap.session.SessionStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Session meters of a {@link SessionStore}, tagged {@code cache=sessions}: {@code sessions.live} (file-wide; counted
 * at most once per {@link #LIVE_COUNT_REUSE}, since a count walks every page),
 * {@code sessions.created}, {@code sessions.deleted}, {@code sessions.expired} (this process), and
 * {@code sessions.evicted{class=logged_in|anonymous}} (live sessions evicted for room by any process since this one
 * opened the file). See docs/operations.md.
 */
public final class FastMmapSessionMeters implements MeterBinder {
    private static final String THIS_PROCESS = " by this application instance (add the instances up for a total).";

    /**
     * How long a {@code sessions.live} count is reused: a count locks and walks every page of the file, and several
     * registries, or a scrape of every meter, would each pay it at every read.
     */
    public static final Duration LIVE_COUNT_REUSE = Duration.ofSeconds(5);

    private final SessionStore store;
    private final LongSupplier nanoTime;
    private long liveCountedAtNanos; // guarded by this
    private double liveCount = Double.NaN; // guarded by this; NaN until first counted

    /** @param store the session store to measure */
    public FastMmapSessionMeters(SessionStore store) {
        this(store, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock that ages the live count (tests advance a manual one) */
    FastMmapSessionMeters(SessionStore store, LongSupplier nanoTime) {
        this.store = store;
        this.nanoTime = nanoTime;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("cache", "sessions");
        Gauge.builder("sessions.live", this, FastMmapSessionMeters::liveSessions).tags(tags)
                .description("Sessions in the file that have not expired, stored by any instance; counted at most "
                        + "once every " + LIVE_COUNT_REUSE.toSeconds() + " s (a count walks the file, a page at a "
                        + "time), so it may lag that much.")
                .register(registry);
        counter(registry, tags, "sessions.created", SessionStore::createdSessionCount,
                "Sessions created" + THIS_PROCESS);
        counter(registry, tags, "sessions.deleted", SessionStore::deletedSessionCount,
                "Sessions deleted on request (logout, invalidate)" + THIS_PROCESS);
        counter(registry, tags, "sessions.expired", SessionStore::expiredSessionCount,
                "Expired sessions removed by the cleanup run" + THIS_PROCESS);
        counter(registry, tags.and("class", "logged_in"), "sessions.evicted", SessionStore::loggedInEvictionCount,
                "Live sessions of logged-in users (and principal index entries) evicted to make room, by any "
                        + "instance since this one opened the file: users logged out early; raise cache-size.");
        counter(registry, tags.and("class", "anonymous"), "sessions.evicted", SessionStore::anonymousEvictionCount,
                "Live anonymous sessions evicted to make room, by any instance since this one opened the file: "
                        + "often sessions created for every cookieless request.");
    }

    private void counter(MeterRegistry registry, Tags tags, String name, ToLongFunction<SessionStore> f,
            String description) {
        FunctionCounter.builder(name, store, s -> figure(s, f)).tags(tags).description(description)
                .register(registry);
    }

    private synchronized double liveSessions() {
        long now = nanoTime.getAsLong();
        if (Double.isNaN(liveCount) || now - liveCountedAtNanos >= LIVE_COUNT_REUSE.toNanos()) {
            liveCount = figure(store, SessionStore::liveSessionCount);
            liveCountedAtNanos = now;
        }
        return liveCount;
    }

    /** NaN once the store is closed: a scrape must not fail. */
    private static double figure(SessionStore store, ToLongFunction<SessionStore> f) {
        try {
            return f.applyAsLong(store);
        } catch (CacheClosedException closed) {
            return Double.NaN;
        }
    }
}
