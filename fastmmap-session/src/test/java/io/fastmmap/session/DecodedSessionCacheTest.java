package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import java.nio.charset.StandardCharsets;
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

/**
 * The per-process cache of decoded sessions ({@link DecodedSessions}) never changes what a store returns or stores:
 * two stores on one file stand for two processes, each with its own cache, changing the session behind the other's
 * back.
 */
class DecodedSessionCacheTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    private SessionStore open() {
        return Stores.open(dir, clock);
    }

    private String create(SessionStore store, String name, Object value) {
        String id = Stores.newId();
        assertThat(store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).setAttribute(name, value)
                .build())).isTrue();
        return id;
    }

    @Test
    void aChangeByAnotherProcessOfTheSameLengthIsSeen() {
        try (SessionStore a = open(); SessionStore b = open()) {
            String id = create(a, "colour", "red");
            assertThat((String) a.getSessionData(id).attribute("colour")).isEqualTo("red");
            byte[] key = ("s:" + id).getBytes(StandardCharsets.US_ASCII);
            byte[] before = a.cache().get(key);
            // The clock stands still, so the stored bytes change in attribute bytes only, keeping their length.
            b.applyDelta(id, SessionDelta.builder().setAttribute("colour", "tan").build());
            byte[] after = a.cache().get(key);
            assertThat(after).hasSameSizeAs(before).isNotEqualTo(before);

            assertThat((String) a.getSessionData(id).attribute("colour")).isEqualTo("tan");
            // a's merge starts from the stored bytes, not from what a saw before
            a.applyDelta(id, SessionDelta.builder().setAttribute("size", 9).build());
            SessionData seenByB = b.getSessionData(id);
            assertThat((String) seenByB.attribute("colour")).isEqualTo("tan");
            assertThat((Integer) seenByB.attribute("size")).isEqualTo(9);
        }
    }

    @Test
    void immutableValuesAreSharedBetweenRequestsAndMutableOnesAreNot() {
        try (SessionStore store = open()) {
            String id = create(store, "name", "ada");
            store.applyDelta(id, SessionDelta.builder().setAttribute("cart", new ArrayList<>(List.of("book")))
                    .build());
            SessionData first = store.getSessionData(id);
            SessionData second = store.getSessionData(id);

            assertThat((Object) second.attribute("name")).isSameAs(first.attribute("name"));
            List<String> firstCart = first.attribute("cart");
            List<String> secondCart = second.attribute("cart");
            assertThat(secondCart).isNotSameAs(firstCart);
            firstCart.add("lamp"); // what a request may do to its own copy before setting it again
            secondCart.add("lamp"); // the second got a copy of what the first deserialized: its own too
            List<String> cart = store.getSessionData(id).attribute("cart");
            assertThat(cart).containsExactly("book");
        }
    }

    @Test
    void aSavedImmutableValueIsHandedOutItselfAndASavedListIsNot() {
        try (SessionStore store = open()) {
            String id = create(store, "start", 1);
            String name = new String("grace".toCharArray());
            List<String> cart = new ArrayList<>(List.of("pen"));
            store.applyDelta(id, SessionDelta.builder().setAttribute("name", name).setAttribute("cart", cart).build());
            cart.add("changed after the save");

            SessionData data = store.getSessionData(id);
            assertThat((Object) data.attribute("name")).isSameAs(name);
            List<String> stored = data.attribute("cart");
            assertThat(stored).containsExactly("pen").isNotSameAs(cart);
        }
    }

    @Test
    void withTheCacheOffEveryReadDeserializesAgain() {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).decodedCacheSize(0).build())) {
            String id = create(store, "name", "ada");
            SessionData first = store.getSessionData(id);
            SessionData second = store.getSessionData(id);
            assertThat((Object) second.attribute("name")).isEqualTo(first.attribute("name"))
                    .isNotSameAs(first.attribute("name"));
            assertThat(store.decodedSessionCount()).isZero();
        }
    }

    @Test
    void aSessionDeletedByAnotherProcessIsNotBroughtBackFromTheCache() {
        try (SessionStore a = open(); SessionStore b = open()) {
            String id = create(a, "user", "ada");
            assertThat(a.getSessionData(id)).isNotNull();
            assertThat(b.deleteSessionData(id)).isTrue();

            assertThat(a.getSessionData(id)).isNull();
            assertThat(a.applyDelta(id, SessionDelta.builder().setAttribute("late", 1).build())).isFalse();
            assertThat(a.getSessionData(id)).isNull();
            assertThat(b.getSessionData(id)).isNull();
        }
    }

    @Test
    void aSessionExpiredAndRemovedByAnotherProcessStaysGone() {
        try (SessionStore a = open(); SessionStore b = open()) {
            String id = create(a, "user", "ada");
            a.applyDelta(id, SessionDelta.builder().maxInactiveInterval(Duration.ofMinutes(1)).build());
            assertThat(a.getSessionData(id)).isNotNull(); // a knows the session and its key

            clock.advance(Duration.ofMinutes(2));
            assertThat(b.deleteExpiredSessions()).extracting(SessionStore.ExpiredSession::id).containsExactly(id);
            clock.advance(Duration.ofMinutes(-2)); // even where a's clock says it would still be live
            assertThat(a.getSessionData(id)).isNull();
            assertThat(a.applyDelta(id, SessionDelta.builder().setAttribute("late", 1).build())).isFalse();
            assertThat(b.getSessionData(id)).isNull();

            // recreated under the same id by b: a reads b's session, not its own last one
            assertThat(b.applyDelta(id, SessionDelta.builder().createdAt(clock.instant())
                    .setAttribute("user", "grace").build())).isTrue();
            assertThat((String) a.getSessionData(id).attribute("user")).isEqualTo("grace");
        }
    }

    @Test
    void malformedIdsAreRefusedHoweverWarmTheCache() {
        try (SessionStore store = open()) {
            String id = create(store, "user", "ada");
            assertThat(store.getSessionData(id)).isNotNull();
            String sameLengthBadCharacter = id.substring(0, id.length() - 1) + "/";
            for (String bad : new String[] {null, "short", sameLengthBadCharacter, id + "\u00e9", "x".repeat(129)}) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.getSessionData(bad))
                        .as("read %s", bad).isInstanceOf(InvalidSessionIdException.class);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.applyDelta(bad,
                        SessionDelta.builder().createdAt(clock.instant()).build()))
                        .as("write %s", bad).isInstanceOf(InvalidSessionIdException.class);
            }
            assertThat((String) store.getSessionData(id).attribute("user")).isEqualTo("ada");
        }
    }

    @Test
    void aCachedSessionStillExpires() {
        try (SessionStore store = open()) {
            String id = create(store, "user", "ada");
            store.applyDelta(id, SessionDelta.builder().maxInactiveInterval(Duration.ofMinutes(1)).build());
            assertThat(store.getSessionData(id)).isNotNull();

            clock.advance(Duration.ofMinutes(2));
            assertThat(store.getSessionData(id)).isNull();
            assertThat(store.applyDelta(id, SessionDelta.builder().setAttribute("late", 1).build())).isFalse();
        }
    }

    @Test
    void theCacheStaysWithinItsBoundAndReadsStayRight() {
        int bound = 16;
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).decodedCacheSize(bound).build())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ids.add(create(store, "n", i));
                assertThat(store.getSessionData(ids.get(i))).isNotNull();
                assertThat(store.decodedSessionCount()).isBetween(1, bound);
            }
            for (int i = 0; i < ids.size(); i++) {
                assertThat((Integer) store.getSessionData(ids.get(i)).attribute("n")).isEqualTo(i);
            }
            assertThat(store.decodedSessionCount()).isBetween(1, bound);
        }
    }

    @Test
    void theCacheStaysWithinItsByteBoundAndKeepsNoHugeSession() {
        long bound = 64 << 10;
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).decodedCacheBytes(bound).build())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ids.add(create(store, "text", String.valueOf(i).repeat(1000)));
                assertThat(store.getSessionData(ids.get(i))).isNotNull();
                assertThat(store.decodedSessionBytes()).isBetween(1L, bound);
            }
            assertThat(store.decodedSessionCount()).isLessThan(ids.size());
            for (String id : ids) {
                store.deleteSessionData(id);
            }
            assertThat(store.decodedSessionBytes()).isZero();
            assertThat(store.decodedSessionCount()).isZero();

            String huge = create(store, "text", "x".repeat((int) (bound / 16)));
            assertThat((String) store.getSessionData(huge).attribute("text")).hasSize((int) (bound / 16));
            assertThat(store.decodedSessionCount()).isZero();
        }
    }

    @Test
    void concurrentRequestsThroughTwoProcessesStillMergeEveryAttribute() throws Exception {
        int threads = 8;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SessionStore a = open(); SessionStore b = open()) {
            String id = create(a, "start", true);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SessionStore store = t % 2 == 0 ? a : b;
                String attribute = "thread-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 1; round <= rounds; round++) {
                        // read, then write, as a request does: the read fills this store's cache
                        Integer seen = store.getSessionData(id).attribute(attribute);
                        assertThat(seen).isEqualTo(round == 1 ? null : round - 1);
                        assertThat(store.applyDelta(id, SessionDelta.builder().setAttribute(attribute, round)
                                .build())).isTrue();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (SessionStore store : List.of(a, b)) {
                SessionData data = store.getSessionData(id);
                for (int t = 0; t < threads; t++) {
                    assertThat((Integer) data.attribute("thread-" + t)).as("thread-%s", t).isEqualTo(rounds);
                }
                assertThat(data.attributes()).hasSize(threads + 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
