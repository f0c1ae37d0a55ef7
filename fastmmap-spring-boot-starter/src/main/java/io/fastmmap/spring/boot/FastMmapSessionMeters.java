package io.fastmmap.spring.boot;

import io.fastmmap.CacheClosedException;
import io.fastmmap.session.SessionStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;

/**
 * Session meters of a {@link SessionStore}, tagged {@code cache=sessions}: {@code sessions.live} (file-wide),
 * {@code sessions.created}, {@code sessions.deleted}, {@code sessions.expired} (this process), and
 * {@code sessions.evicted{class=logged_in|anonymous}} (live sessions evicted for room by any process since this one
 * opened the file). See docs/operations.md.
 */
public final class FastMmapSessionMeters implements MeterBinder {
    private static final String THIS_PROCESS = " by this application instance (add the instances up for a total).";

    private final SessionStore store;

    /** @param store the session store to measure */
    public FastMmapSessionMeters(SessionStore store) {
        this.store = store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("cache", "sessions");
        Gauge.builder("sessions.live", store, s -> figure(s, SessionStore::liveSessionCount)).tags(tags)
                .description("Sessions in the file that have not expired, stored by any instance (each read walks the "
                        + "file, a page at a time).")
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

    /** NaN once the store is closed: a scrape must not fail. */
    private static double figure(SessionStore store, ToLongFunction<SessionStore> f) {
        try {
            return f.applyAsLong(store);
        } catch (CacheClosedException closed) {
            return Double.NaN;
        }
    }
}
