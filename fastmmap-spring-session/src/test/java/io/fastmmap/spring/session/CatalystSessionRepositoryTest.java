package io.fastmmap.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CodecException;
import io.fastmmap.perl.CatalystSessions;
import io.fastmmap.perl.PerlCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CatalystSessionRepository against the Catalyst layout as CatalystSessions (tested against real Catalyst in
 * fastmmap-perl) reads and writes it; the real Catalyst app beside the real Spring app is CatalystMigrationE2ETest in
 * examples/spring-demo.
 */
class CatalystSessionRepositoryTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration EXPIRES = Duration.ofHours(2);

    @TempDir
    Path dir;

    private CatalystSessionRepository repository;
    /** Another process's view of the file: what Catalyst sees. */
    private PerlCache otherCache;
    private CatalystSessions catalyst;

    @BeforeEach
    void open() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        repository = new CatalystSessionRepository(PerlCache.builder(dir.resolve("session_data")).build(), EXPIRES,
                clock);
        otherCache = PerlCache.builder(dir.resolve("session_data")).build();
        catalyst = new CatalystSessions(otherCache, EXPIRES, clock);
    }

    @AfterEach
    void close() {
        repository.destroy();
        otherCache.close();
    }

    @Test
    void shouldStoreAttributesAsKeysOfCatalystsSessionHash() {
        CatalystSessionRepository.CatalystSession session = repository.createSession();
        assertThat(session.getId()).matches("[0-9a-f]{40}");
        session.setAttribute("count", 1);
        session.setAttribute("list", List.of("a", "b"));
        session.setAttribute("name", "møøse ✓");
        repository.save(session);

        Map<String, Object> stored = catalyst.load(session.getId());
        assertThat(stored).containsEntry("count", 1L).containsEntry("list", List.of("a", "b"))
                .containsEntry("name", "møøse ✓").containsEntry("__created", NOW.getEpochSecond())
                .containsEntry("__updated", NOW.getEpochSecond());

        CatalystSessionRepository.CatalystSession loaded = repository.findById(session.getId());
        assertThat(loaded.getAttributeNames()).containsExactly("count", "list", "name");
        assertThat((Object) loaded.getAttribute("count")).isEqualTo(1L);
        assertThat(loaded.getCreationTime()).isEqualTo(NOW);
        assertThat(loaded.getMaxInactiveInterval()).isEqualTo(EXPIRES);
    }

    @Test
    void shouldFailTheRequestThatSetsAnAttributeWithNoPerlFormNamingIt() {
        CatalystSessionRepository.CatalystSession session = repository.createSession();
        session.setAttribute("cart", List.of("apple"));
        assertThatThrownBy(() -> session.setAttribute("cart", List.of(new StringBuilder("pear"))))
                .isInstanceOf(CodecException.class).hasMessageContaining("session attribute 'cart'")
                .hasMessageContaining("StringBuilder");
        assertThat((Object) session.getAttribute("cart")).as("the old value stays").isEqualTo(List.of("apple"));
        repository.save(session);
        assertThat(catalyst.load(session.getId())).containsEntry("cart", List.of("apple"));
    }

    @Test
    void shouldSaveOnlyThisRequestsChangesSoCatalystsChangesMeanwhileStay() {
        String sid = CatalystSessions.newSessionId();
        catalyst.save(sid, new LinkedHashMap<>(Map.of("count", 1L, "__user", "ann")));
        CatalystSessionRepository.CatalystSession session = repository.findById(sid);
        assertThat(session.getAttributeNames()).as("Catalyst's own keys are not attributes").containsExactly("count");
        assertThat((Object) session.getAttribute("__user")).isNull();

        catalyst.update(sid, data -> {
            data.put("fromPerl", "set while Spring's request ran");
            return data;
        });
        session.setAttribute("count", ((Number) session.getAttribute("count")).longValue() + 1);
        repository.save(session);

        assertThat(catalyst.load(sid)).containsEntry("count", 2L).containsEntry("__user", "ann")
                .containsEntry("fromPerl", "set while Spring's request ran");
        assertThatThrownBy(() -> session.setAttribute("__user", "bob")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'__user'");
    }

    @Test
    void shouldMoveTheHashToANewIdAndDeleteTheOld() {
        CatalystSessionRepository.CatalystSession session = repository.createSession();
        session.setAttribute("count", 7);
        repository.save(session);
        String old = session.getId();

        CatalystSessionRepository.CatalystSession loaded = repository.findById(old);
        String fresh = loaded.changeSessionId();
        loaded.setAttribute("user", "ann");
        repository.save(loaded);

        assertThat(fresh).isNotEqualTo(old).matches("[0-9a-f]{40}");
        assertThat(catalyst.load(old)).isNull();
        assertThat(catalyst.load(fresh)).containsEntry("count", 7L).containsEntry("user", "ann");

        repository.deleteById(fresh);
        assertThat(catalyst.load(fresh)).isNull();
    }

    @Test
    void shouldNeverLookUpAnIdCatalystWouldRefuse() {
        assertThat(repository.findById("../etc")).isNull();
        assertThat(repository.findById("")).isNull();
        assertThat(repository.findById(CatalystSessions.newSessionId())).isNull();
        repository.deleteById("not hex");
    }

    @Test
    void shouldRefuseAnotherMaxInactiveIntervalRatherThanIgnoreIt() {
        CatalystSessionRepository.CatalystSession session = repository.createSession();
        session.setMaxInactiveInterval(EXPIRES);
        assertThatThrownBy(() -> session.setMaxInactiveInterval(Duration.ofMinutes(5)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("expires");
    }
}
