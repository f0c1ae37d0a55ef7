package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deleteExpiredSessions, the principal index and changeSessionId. */
class ExpiryAndIndexTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    private static SessionDelta create(ManualClock clock, Duration maxInactive, String principal) {
        SessionDelta.Builder b = SessionDelta.builder().createdAt(clock.instant()).maxInactiveInterval(maxInactive);
        if (principal != null) {
            b.principalName(principal);
        }
        return b.build();
    }

    @Test
    void deleteExpiredSessionsRemovesOnlyExpiredOnesAndReportsThem() {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            String shortLived = Stores.newId();
            String longLived = Stores.newId();
            store.applyDelta(shortLived, create(clock, Duration.ofMinutes(1), "alice"));
            store.applyDelta(shortLived, SessionDelta.builder().setAttribute("cart", "book").build());
            store.applyDelta(longLived, create(clock, Duration.ofMinutes(30), "alice"));
            clock.advance(Duration.ofMinutes(2));

            var removed = store.deleteExpiredSessions();
            assertThat(removed).hasSize(1);
            assertThat(removed.get(0).id()).isEqualTo(shortLived);
            assertThat((String) removed.get(0).data().attribute("cart")).isEqualTo("book");
            assertThat(removed.get(0).data().principalName()).isEqualTo("alice");
            // really gone from the file, not only hidden
            int sessionEntries = 0;
            for (byte[] key : store.cache().keys()) {
                if (new String(key, java.nio.charset.StandardCharsets.US_ASCII).startsWith("s:")) {
                    sessionEntries++;
                }
            }
            assertThat(sessionEntries).isEqualTo(1);
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(longLived);
        }
    }

    @Test
    void principalIndexFollowsLoginLogoutAndUserChange() {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            String a = Stores.newId();
            String b = Stores.newId();
            store.applyDelta(a, create(clock, Duration.ofMinutes(30), null));
            store.applyDelta(b, create(clock, Duration.ofMinutes(30), null));
            assertThat(store.findByPrincipalName("alice")).isEmpty();

            store.applyDelta(a, SessionDelta.builder().principalName("alice").build());
            store.applyDelta(b, SessionDelta.builder().principalName("alice").build());
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(a, b);

            store.applyDelta(b, SessionDelta.builder().principalName("bob").build());
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(a);
            assertThat(store.findByPrincipalName("bob")).containsOnlyKeys(b);

            store.deleteSessionData(a);
            assertThat(store.findByPrincipalName("alice")).isEmpty();
            assertThat(store.cache().get("p:alice".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
        }
    }

    @Test
    void aLostIndexEntryIsRebuiltByTheUsersNextRequestAndStaleIdsArePruned() {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            String a = Stores.newId();
            store.applyDelta(a, create(clock, Duration.ofMinutes(30), "alice"));
            byte[] indexKey = "p:alice".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            store.cache().remove(indexKey); // as if LRU had evicted it
            assertThat(store.findByPrincipalName("alice")).isEmpty();
            store.applyDelta(a, SessionDelta.builder().setAttribute("x", 1).build());
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(a);

            // a stale id (as a crash between session and index writes would leave) is never returned, and pruned
            String ghost = Stores.newId();
            store.cache().set(indexKey, (a + "\n" + ghost).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(a);
            assertThat(new String(store.cache().get(indexKey), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo(a);
        }
    }

    @Test
    void concurrentLoginsAndLogoutsOfOneUserKeepTheIndexExact() throws Exception {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            int sessions = 16;
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String id = Stores.newId();
                ids.add(id);
                store.applyDelta(id, create(clock, Duration.ofMinutes(30), null));
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(sessions);
            try {
                java.util.List<java.util.concurrent.Future<?>> logins = new java.util.ArrayList<>();
                for (String id : ids) {
                    logins.add(pool.submit(() -> store.applyDelta(id, SessionDelta.builder().principalName("alice")
                            .build())));
                }
                for (var f : logins) {
                    f.get();
                }
                assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(ids.toArray(String[]::new));

                java.util.List<java.util.concurrent.Future<?>> logouts = new java.util.ArrayList<>();
                for (String id : ids.subList(0, sessions / 2)) {
                    logouts.add(pool.submit(() -> store.deleteSessionData(id)));
                }
                for (var f : logouts) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.findByPrincipalName("alice"))
                    .containsOnlyKeys(ids.subList(sessions / 2, sessions).toArray(String[]::new));
        }
    }

    @Test
    void aUserWithMoreSessionsThanOnePageOfIdsHoldsIsIndexedCompletely() {
        // an index entry takes a quarter of a 4 KiB page, about 27 ids of 37 bytes: 300 sessions need a dozen
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock)
                .cache(c -> c.pageSize(4096).cacheSize(4L << 20)).build())) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String id = Stores.newId();
                ids.add(id);
                store.applyDelta(id, create(clock, Duration.ofMinutes(30), "bob"));
                store.applyDelta(id, SessionDelta.builder().setAttribute("n", i).build()); // saves re-add: no copies
            }
            String alice = Stores.newId();
            store.applyDelta(alice, create(clock, Duration.ofMinutes(30), "alice"));
            assertThat(store.liveSessionEvictionCount()).as("the file has room for all").isZero();
            assertThat(store.findByPrincipalName("bob")).containsOnlyKeys(ids);
            for (String id : ids.subList(0, 150)) { // logouts, from the first entry on
                store.deleteSessionData(id);
            }
            assertThat(store.findByPrincipalName("bob")).containsOnlyKeys(ids.subList(150, 300));
            String later = Stores.newId();
            store.applyDelta(later, create(clock, Duration.ofMinutes(30), "bob"));
            assertThat(store.findByPrincipalName("bob")).hasSize(151).containsKey(later);
            for (String id : ids.subList(150, 300)) {
                store.deleteSessionData(id);
            }
            assertThat(store.findByPrincipalName("bob")).containsOnlyKeys(later);
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(alice);
        }
    }

    @Test
    void changeSessionIdMovesTheSessionAndTheIndex() {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            String before = Stores.newId();
            String after = Stores.newId();
            store.applyDelta(before, create(clock, Duration.ofMinutes(30), null));
            store.applyDelta(before, SessionDelta.builder().setAttribute("cart", "book").build());

            assertThat(store.changeSessionId(before, after, SessionDelta.builder().principalName("alice")
                    .setAttribute("SPRING_SECURITY_CONTEXT", "ctx").build())).isTrue();
            assertThat(store.getSessionData(before)).isNull();
            SessionData moved = store.getSessionData(after);
            assertThat(moved.attributes()).containsOnlyKeys("cart", "SPRING_SECURITY_CONTEXT");
            assertThat(store.findByPrincipalName("alice")).containsOnlyKeys(after);
            // a request still holding the old id cannot bring it back
            assertThat(store.applyDelta(before, SessionDelta.builder().setAttribute("cart", "x").build())).isFalse();
            assertThat(store.getSessionData(before)).isNull();
        }
    }

    @Test
    void changeSessionIdOfAGoneSessionCreatesNothingAndATakenIdIsRefused() {
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            String gone = Stores.newId();
            String target = Stores.newId();
            assertThat(store.changeSessionId(gone, target, SessionDelta.builder().build())).isFalse();
            assertThat(store.getSessionData(target)).isNull();

            String a = Stores.newId();
            store.applyDelta(a, create(clock, Duration.ofMinutes(30), null));
            store.applyDelta(target, create(clock, Duration.ofMinutes(30), null));
            assertThatThrownBy(() -> store.changeSessionId(a, target, SessionDelta.builder().build()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("exists already");
            assertThat(store.getSessionData(a)).isNotNull();
        }
    }
}
