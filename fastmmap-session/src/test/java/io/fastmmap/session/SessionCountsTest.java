package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counts behind the session meters: live sessions in the file; created, deleted, expired by this store. */
class SessionCountsTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    @Test
    void createdDeletedExpiredAndLiveFollowKnownOperations() {
        try (SessionStore store = Stores.open(dir, clock); SessionStore other = Stores.open(dir, clock)) {
            String stored = Stores.newId();
            String merged = Stores.newId();
            String viaUpdate = Stores.newId();
            String shortLived = Stores.newId();
            store.storeSessionData(stored, SessionData.create(clock.instant(), Duration.ofMinutes(30)));
            store.storeSessionData(stored, SessionData.create(clock.instant(), Duration.ofMinutes(30))); // replaces
            store.applyDelta(merged, SessionDelta.builder().createdAt(clock.instant())
                    .maxInactiveInterval(Duration.ofMinutes(30)).build());
            store.applyDelta(merged, SessionDelta.builder().setAttribute("cart", "book").build()); // an update
            store.applyDelta(Stores.newId(), SessionDelta.builder().setAttribute("x", "y").build()); // gone: nothing
            store.getAndSetSessionData(viaUpdate, old -> SessionData.create(clock.instant(), Duration.ofMinutes(30)));
            store.applyDelta(shortLived, SessionDelta.builder().createdAt(clock.instant())
                    .maxInactiveInterval(Duration.ofMinutes(1)).build());
            other.applyDelta(Stores.newId(), SessionDelta.builder().createdAt(clock.instant())
                    .maxInactiveInterval(Duration.ofMinutes(30)).build());
            assertThat(store.createdSessionCount()).isEqualTo(4);
            assertThat(other.createdSessionCount()).as("each store counts its own").isEqualTo(1);
            assertThat(store.liveSessionCount()).as("file-wide").isEqualTo(5);
            assertThat(other.liveSessionCount()).isEqualTo(5);

            assertThat(store.deleteSessionData(stored)).isTrue();
            assertThat(store.deleteSessionData(stored)).isFalse();
            assertThat(store.deletedSessionCount()).isEqualTo(1);
            clock.advance(Duration.ofMinutes(2));
            assertThat(store.liveSessionCount()).as("an expired session is not live").isEqualTo(3);
            assertThat(store.deleteExpiredSessions()).hasSize(1);
            assertThat(store.expiredSessionCount()).isEqualTo(1);
            assertThat(other.expiredSessionCount()).isZero();
            assertThat(store.liveSessionCount()).isEqualTo(3);
            assertThat(store.liveSessionEvictionCount()).isZero();
        }
    }
}
