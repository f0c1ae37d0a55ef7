package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SessionStore#applyDelta}: concurrent requests on one session merge instead of overwriting each other. */
class DeltaMergeTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    @Test
    void thirtyTwoParallelRequestsPerSessionLoseNoUpdate() throws Exception {
        int sessions = 4;
        int requests = 32;
        int rounds = 20;
        List<String> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).cache(c -> c.cacheSize(4L << 20))
                .build())) {
            for (int s = 0; s < sessions; s++) {
                String id = Stores.newId();
                ids.add(id);
                store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).build());
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (String id : ids) {
                for (int r = 0; r < requests; r++) {
                    String attribute = "req-" + r;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int round = 1; round <= rounds; round++) {
                            // each request changes only its own attribute, like a Spring request with SaveMode
                            // ON_SET_ATTRIBUTE; the shared counter-like attribute "last" is written by all
                            assertThat(store.applyDelta(id, SessionDelta.builder().setAttribute(attribute, round)
                                    .setAttribute("last", attribute).build())).isTrue();
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            int lost = 0;
            for (String id : ids) {
                SessionData data = store.getSessionData(id);
                for (int r = 0; r < requests; r++) {
                    if (!Integer.valueOf(rounds).equals(data.attribute("req-" + r))) {
                        lost++;
                    }
                }
                assertThat((String) data.attribute("last")).startsWith("req-");
            }
            assertThat(lost).as("lost updates").isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lastWriterWinsPerAttributeAndOthersAreKept() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).setAttribute("a", "1")
                    .setAttribute("b", "1").build());
            store.applyDelta(id, SessionDelta.builder().setAttribute("a", "2").build());
            store.applyDelta(id, SessionDelta.builder().setAttribute("a", "3").removeAttribute("b").build());
            SessionData data = store.getSessionData(id);
            assertThat(data.attributes()).containsOnlyKeys("a");
            assertThat((String) data.attribute("a")).isEqualTo("3");
        }
    }

    @Test
    void aDeletedSessionIsNeverResurrected() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).setAttribute("cart", "x").build());
            assertThat(store.deleteSessionData(id)).isTrue(); // logout in one request ...
            // ... while a slower request of the same session still saves its change
            assertThat(store.applyDelta(id, SessionDelta.builder().setAttribute("cart", "y").build())).isFalse();
            assertThat(store.getSessionData(id)).isNull();
        }
    }

    @Test
    void anExpiredSessionIsNotRevivedByALateWrite() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant())
                    .maxInactiveInterval(Duration.ofMinutes(1)).build());
            clock.advance(Duration.ofMinutes(1));
            assertThat(store.applyDelta(id, SessionDelta.builder().setAttribute("a", 1).build())).isFalse();
            assertThat(store.getSessionData(id)).isNull();
        }
    }

    @Test
    void everyWriteSlidesTheExpiry() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant())
                    .maxInactiveInterval(Duration.ofMinutes(10)).build());
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofMinutes(9));
                assertThat(store.applyDelta(id, SessionDelta.builder().lastAccessedAt(clock.instant()).build()))
                        .isTrue();
            }
            SessionData data = store.getSessionData(id);
            assertThat(data.lastAccessedAt()).isEqualTo(clock.instant());
            assertThat(data.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
            clock.advance(Duration.ofMinutes(10));
            assertThat(store.getSessionData(id)).isNull();
        }
    }

    @Test
    void lastAccessOnlyMovesForward() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).build());
            var late = clock.instant();
            clock.advance(Duration.ofSeconds(5));
            store.applyDelta(id, SessionDelta.builder().lastAccessedAt(clock.instant()).build());
            store.applyDelta(id, SessionDelta.builder().lastAccessedAt(late).build()); // a slow, older request
            assertThat(store.getSessionData(id).lastAccessedAt()).isEqualTo(clock.instant());
        }
    }

    @Test
    void anIntervalAboveTheLimitIsLowered() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock)
                .maxInactiveIntervalLimit(Duration.ofHours(1)).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant())
                    .maxInactiveInterval(Duration.ofDays(3)).build());
            assertThat(store.getSessionData(id).maxInactiveInterval()).isEqualTo(Duration.ofHours(1));
        }
    }
}
