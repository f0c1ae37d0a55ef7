package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of Catalyst::Plugin::Session::Test::Store (the conformance suite every Perl store passes), on
 * {@link SessionStore}: create with a non-ASCII value, recover it (here through a second store on the same file, as a
 * second process would), delete it, find nothing afterwards; and with {@code expires => 0} a session is gone a
 * second later. Plus the FastMmap store's own extra test: a plain scalar round-trips.
 */
class CatalystStoreContractTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    @Test
    void createRecoverDeleteAfter() {
        String sid = "0123456789abcdef0123456789abcdef01234567"; // Catalyst's 40 hex digits
        try (SessionStore app = SessionStore.open(Stores.config(dir, clock).build());
                SessionStore other = SessionStore.open(Stores.config(dir, clock).build())) {
            // create_session: no session yet; create it and store magic => "møøse"
            assertThat(app.getSessionData(sid)).isNull();
            app.storeSessionData(sid, SessionData.create(clock.instant(), Duration.ofHours(2))
                    .withAttribute("magic", "møøse"));

            // recover_session: same sid, data round-trips (UTF-8 intact), then delete_session("user logout")
            clock.advance(Duration.ofSeconds(1));
            SessionData recovered = other.getSessionData(sid);
            assertThat(recovered).isNotNull();
            assertThat((String) recovered.attribute("magic")).isEqualTo("møøse");
            assertThat(other.deleteSessionData(sid)).isTrue();

            // after_session: no valid session, no data
            assertThat(app.getSessionData(sid)).isNull();
            assertThat(app.deleteSessionData(sid)).isFalse();
        }
    }

    @Test
    void expiresZeroIsGoneASecondLater() {
        String sid = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.storeSessionData(sid, SessionData.create(clock.instant(), Duration.ZERO).withAttribute("a", 1));
            clock.advance(Duration.ofSeconds(1)); // the Perl test's sleep 1
            assertThat(store.getSessionData(sid)).isNull();
            // and it is really removed and reported, not just hidden
            assertThat(store.deleteExpiredSessions()).extracting(SessionStore.ExpiredSession::id).containsExactly(sid);
            assertThat(store.deleteExpiredSessions()).isEmpty();
        }
    }

    @Test
    void plainScalarRoundTrips() {
        String sid = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.storeSessionData(sid, SessionData.create(clock.instant(), Duration.ofMinutes(5))
                    .withAttribute("scalar", 456));
            assertThat((Integer) store.getSessionData(sid).attribute("scalar")).isEqualTo(456);
        }
    }

    @Test
    void getAndSetSessionDataIsAtomicReadModifyWrite() {
        String sid = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            assertThat(store.getAndSetSessionData(sid, old -> {
                assertThat(old).isNull();
                return SessionData.create(clock.instant(), Duration.ofMinutes(5)).withAttribute("n", 1);
            })).isNotNull();
            SessionData after = store.getAndSetSessionData(sid,
                    old -> old.withAttribute("n", (Integer) old.attribute("n") + 1));
            assertThat((Integer) after.attribute("n")).isEqualTo(2);
            assertThat((Integer) store.getSessionData(sid).attribute("n")).isEqualTo(2);
            assertThat(store.getAndSetSessionData(sid, old -> null)).isNull();
            assertThat(store.getSessionData(sid)).isNull();
        }
    }
}
