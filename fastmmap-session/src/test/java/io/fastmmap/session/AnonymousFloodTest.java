package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crawler or an attacker creating a session per cookieless request must not log anybody out: sessions with a
 * principal (and the principal index) are stored in eviction class protected, so anonymous ones go first.
 */
class AnonymousFloodTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private static SessionDelta newSession(ManualClock clock, String principal) {
        SessionDelta.Builder b = SessionDelta.builder().createdAt(Instant.ofEpochMilli(clock.millis()))
                .maxInactiveInterval(Duration.ofMinutes(30)).setAttribute("csrf", "token-" + principal);
        if (principal != null) {
            b.principalName(principal);
        }
        return b.build();
    }

    @Test
    void tenTimesTheFilesCapacityInAnonymousSessionsShouldLogNobodyOut() {
        try (SessionStore store = SessionStore.open(Stores.config(directory, clock).cache(c -> c.cacheSize(256 << 10))
                .build())) {
            int perSessionBytes = 200; // about what one of these sessions takes in its page, key and header included
            long capacity = store.fileInfo().cacheSizeBytes() / perSessionBytes;
            List<String> loggedIn = new ArrayList<>();
            for (int i = 0; i < capacity / 10; i++) {
                String id = Stores.newId();
                store.applyDelta(id, newSession(clock, "user" + i));
                loggedIn.add(id);
            }
            clock.advance(Duration.ofMinutes(5)); // the logged-in users are idle: least recently used of all
            for (long i = 0; i < 10 * capacity; i++) {
                store.applyDelta(Stores.newId(), newSession(clock, null));
            }
            assertThat(store.cache().stats().evictionCount()).as("the flood filled the file many times over")
                    .isGreaterThan(8 * capacity);
            for (int i = 0; i < loggedIn.size(); i++) {
                SessionData session = store.getSessionData(loggedIn.get(i));
                assertThat(session).as("logged-in session %d of %d", i, loggedIn.size()).isNotNull();
                assertThat(session.principalName()).isEqualTo("user" + i);
                assertThat(store.findByPrincipalName("user" + i)).containsOnlyKeys(loggedIn.get(i));
            }
            assertThat(store.loggedInEvictionCount()).isZero();
            assertThat(store.anonymousEvictionCount()).isGreaterThan(8 * capacity);
        }
    }
}
