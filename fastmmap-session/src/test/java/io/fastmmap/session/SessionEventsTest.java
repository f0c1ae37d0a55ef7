package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import io.fastmmap.session.SessionStore.SessionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deletions and expiries reach every other store on the file through its event ring: once, in order, with the
 * session's last contents. Two stores here are two independent openings of the file (as two processes have);
 * SessionEventsTwoJvmTest in fastmmap-spring-session does it with a real second JVM.
 */
class SessionEventsTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    private String newSession(SessionStore store, String principal, Duration maxInactive) {
        String id = Stores.newId();
        SessionDelta.Builder b = SessionDelta.builder().createdAt(clock.instant()).maxInactiveInterval(maxInactive)
                .setAttribute("cart", "book");
        if (principal != null) {
            b.principalName(principal);
        }
        store.applyDelta(id, b.build());
        return id;
    }

    @Test
    void deletionsAndExpiriesShouldReachTheOtherStoreOnceInOrderWithTheirContents() {
        try (SessionStore a = Stores.open(dir, clock); SessionStore b = Stores.open(dir, clock)) {
            String loggedOut = newSession(a, "alice", Duration.ofMinutes(30));
            String expiring = newSession(b, "bob", Duration.ofMinutes(1));
            String anonymous = newSession(a, null, Duration.ofMinutes(30));
            assertThat(b.pollEvents()).isEmpty();

            a.deleteSessionData(loggedOut);
            clock.advance(Duration.ofMinutes(2));
            assertThat(a.deleteExpiredSessions()).extracting(SessionStore.ExpiredSession::id).containsExactly(expiring);
            a.deleteSessionData(anonymous);
            a.deleteSessionData(Stores.newId()); // nothing there: no event

            List<SessionEvent> events = b.pollEvents();
            assertThat(events).extracting(SessionEvent::kind, SessionEvent::id).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(SessionEvent.Kind.DELETED, loggedOut),
                    org.assertj.core.groups.Tuple.tuple(SessionEvent.Kind.EXPIRED, expiring),
                    org.assertj.core.groups.Tuple.tuple(SessionEvent.Kind.DELETED, anonymous));
            assertThat(events.get(0).data().principalName()).isEqualTo("alice");
            assertThat((String) events.get(0).data().attribute("cart")).isEqualTo("book");
            assertThat(events.get(1).data().principalName()).isEqualTo("bob");
            assertThat(b.pollEvents()).as("each event once").isEmpty();
            assertThat(a.pollEvents()).as("a store's own events are its caller's to publish").isEmpty();

            b.deleteSessionData(newSession(b, "carol", Duration.ofMinutes(30)));
            assertThat(a.pollEvents()).extracting(SessionEvent::kind).containsExactly(SessionEvent.Kind.DELETED);
        }
    }

    @Test
    void aStoreOpenedLaterShouldHearOnlyOfWhatHappensAfterwards() {
        try (SessionStore a = Stores.open(dir, clock)) {
            a.deleteSessionData(newSession(a, "alice", Duration.ofMinutes(30)));
            try (SessionStore b = Stores.open(dir, clock)) {
                assertThat(b.pollEvents()).isEmpty();
                String later = newSession(a, "bob", Duration.ofMinutes(30));
                a.deleteSessionData(later);
                assertThat(b.pollEvents()).extracting(SessionEvent::id).containsExactly(later);
            }
        }
    }

    @Test
    void aReaderThatFellMoreThanTheRingBehindShouldGetTheNewestRingfulInOrder() {
        try (SessionStore a = Stores.open(dir, clock); SessionStore b = Stores.open(dir, clock)) {
            String[] ids = new String[SessionEventLog.RING_SIZE + 10];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = newSession(a, null, Duration.ofMinutes(30));
                a.deleteSessionData(ids[i]);
            }
            List<SessionEvent> events = b.pollEvents();
            assertThat(events).hasSize(SessionEventLog.RING_SIZE);
            assertThat(events.get(0).id()).isEqualTo(ids[10]);
            assertThat(events.get(events.size() - 1).id()).isEqualTo(ids[ids.length - 1]);
        }
    }

    @Test
    void aWriterThatDiedBetweenTakingANumberAndWritingShouldHoldEventsBackOnlyUntilTheStallLimit() {
        try (SessionStore a = Stores.open(dir, clock); SessionStore b = Stores.open(dir, clock)) {
            a.deleteSessionData(newSession(a, "alice", Duration.ofMinutes(30))); // the head entry exists now
            assertThat(b.pollEvents()).hasSize(1);
            // A writer takes the next number and dies before writing its slot.
            a.cache().getAndSet("e:head".getBytes(StandardCharsets.US_ASCII),
                    head -> java.nio.ByteBuffer.allocate(8).putLong(java.nio.ByteBuffer.wrap(head).getLong() + 1)
                            .array());
            String after = newSession(a, "bob", Duration.ofMinutes(30));
            a.deleteSessionData(after);
            assertThat(b.pollEvents()).as("waits for the missing one: order").isEmpty();
            clock.advance(SessionEventLog.STALL_LIMIT.minusSeconds(1));
            assertThat(b.pollEvents()).isEmpty();
            clock.advance(Duration.ofSeconds(2));
            assertThat(b.pollEvents()).extracting(SessionEvent::id).containsExactly(after);
        }
    }

    @Test
    void eventsThatExpiredUnreadShouldCostOneStallLimitInAllNotOneEach() {
        try (SessionStore a = Stores.open(dir, clock); SessionStore b = Stores.open(dir, clock)) {
            for (int i = 0; i < 3; i++) {
                a.deleteSessionData(newSession(a, "user" + i, Duration.ofMinutes(30)));
            }
            clock.advance(SessionEventLog.EVENT_TTL.plusMinutes(1)); // b did not poll: the three expired unread
            String later = newSession(a, "bob", Duration.ofMinutes(30));
            a.deleteSessionData(later);
            assertThat(b.pollEvents()).isEmpty();
            clock.advance(SessionEventLog.STALL_LIMIT.plusSeconds(1));
            assertThat(b.pollEvents()).extracting(SessionEvent::id).containsExactly(later);
        }
    }

    @Test
    void anEventLogFloodedWithAnonymousSessionsShouldStillDeliver() {
        try (SessionStore a = SessionStore.open(Stores.config(dir, clock).cache(c -> c.cacheSize(256 << 10))
                        .build());
                SessionStore b = SessionStore.open(Stores.config(dir, clock).cache(c -> c.cacheSize(256 << 10))
                        .build())) {
            String loggedOut = newSession(a, "alice", Duration.ofMinutes(30));
            a.deleteSessionData(loggedOut);
            for (int i = 0; i < 20_000; i++) {
                newSession(a, null, Duration.ofMinutes(30));
            }
            assertThat(b.pollEvents()).extracting(SessionEvent::id).containsExactly(loggedOut);
        }
    }
}
