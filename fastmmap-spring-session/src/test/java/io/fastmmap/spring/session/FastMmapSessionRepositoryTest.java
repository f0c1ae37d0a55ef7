package io.fastmmap.spring.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import io.fastmmap.session.DefaultAttributeSerializer;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationEvent;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * Contract tests modelled on Spring Session's own RedisSessionRepositoryITests and
 * JdbcIndexedSessionRepositoryITests: save/find round trips, expiry, deletion, id change, principal lookups (with a
 * real Spring Security context, Java-serialized behind the allow-list), SaveMode and FlushMode, and events. Two
 * repositories on the same file stand for two application instances.
 */
class FastMmapSessionRepositoryTest {
    private static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

    @TempDir
    Path dir;

    // At the real time, since MapSession stamps the sessions the repository creates with Instant.now().
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final List<ApplicationEvent> events = new ArrayList<>();
    private SessionStore storeA;
    private SessionStore storeB;
    private FastMmapSessionRepository a;
    private FastMmapSessionRepository b;

    @BeforeEach
    void open() {
        storeA = SessionStore.open(config());
        storeB = SessionStore.open(config());
        a = new FastMmapSessionRepository(storeA);
        b = new FastMmapSessionRepository(storeB);
        a.setApplicationEventPublisher(e -> events.add((ApplicationEvent) e));
        b.setApplicationEventPublisher(e -> events.add((ApplicationEvent) e));
    }

    private SessionStoreConfig config() {
        return SessionStoreConfig.builder("spring").file(dir.resolve("s.fmm"))
                .cache(c -> c.cacheSize(1L << 20).pageSize(16 << 10)).clock(clock)
                .serializer(DefaultAttributeSerializer.withJavaSerialization(
                        FastMmapHttpSessionConfiguration.SPRING_SECURITY_CLASSES))
                .build();
    }

    @AfterEach
    void close() {
        storeA.close();
        storeB.close();
    }

    private FastMmapSessionRepository.FastMmapSession newSession(FastMmapSessionRepository repo) {
        FastMmapSessionRepository.FastMmapSession s = repo.createSession();
        s.setLastAccessedTime(clock.instant());
        return s;
    }

    /** @return a new session with these string attributes, saved through {@code repo} */
    private FastMmapSessionRepository.FastMmapSession saved(FastMmapSessionRepository repo, String... namesAndValues) {
        var s = newSession(repo);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            s.setAttribute(namesAndValues[i], namesAndValues[i + 1]);
        }
        repo.save(s);
        return s;
    }

    private static SecurityContext securityContext(String user) {
        User principal = new User(user, "secret", AuthorityUtils.createAuthorityList("ROLE_USER"));
        return new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(principal, null,
                principal.getAuthorities()));
    }

    @Test
    void savesAndFindsOnAnotherInstance() {
        var s = newSession(a);
        s.setAttribute("visits", 3);
        s.setAttribute("cart", List.of("book"));
        a.save(s);

        var found = b.findById(s.getId());
        assertThat(found).isNotNull();
        assertThat((Integer) found.getAttribute("visits")).isEqualTo(3);
        assertThat((List<Object>) found.getAttribute("cart")).containsExactly("book");
        assertThat(found.getCreationTime()).isEqualTo(s.getCreationTime().truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS));
        assertThat(found.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(events).hasSize(1).first().isInstanceOf(SessionCreatedEvent.class);
    }

    @Test
    void unknownExpiredAndMalformedIdsFindNothing() {
        assertThat(a.findById("00000000-0000-0000-0000-000000000000")).isNull();
        assertThat(a.findById("../../etc/passwd")).isNull();
        a.deleteById("x"); // malformed: ignored, no exception

        var s = newSession(a);
        s.setMaxInactiveInterval(Duration.ofSeconds(60));
        a.save(s);
        clock.advance(Duration.ofSeconds(59));
        assertThat(a.findById(s.getId())).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.findById(s.getId())).isNull();
    }

    @Test
    void deleteRemovesEverywhereAndPublishesDeleted() {
        var s = newSession(a);
        s.setAttribute("k", "v");
        a.save(s);
        b.deleteById(s.getId());
        assertThat(a.findById(s.getId())).isNull();
        assertThat(events).last().isInstanceOfSatisfying(SessionDeletedEvent.class, e -> {
            assertThat(e.getSessionId()).isEqualTo(s.getId());
            assertThat((String) e.getSession().getAttribute("k")).isEqualTo("v");
        });
    }

    @Test
    void changeSessionIdMovesTheSessionAtomically() {
        var s = newSession(a);
        s.setAttribute("cart", List.of("book"));
        a.save(s);
        String oldId = s.getId();

        var loaded = b.findById(oldId);
        String newId = loaded.changeSessionId();
        loaded.setAttribute(SPRING_SECURITY_CONTEXT, securityContext("alice"));
        b.save(loaded);

        assertThat(newId).isNotEqualTo(oldId);
        assertThat(a.findById(oldId)).isNull();
        var moved = a.findById(newId);
        assertThat((List<Object>) moved.getAttribute("cart")).containsExactly("book");
        assertThat(a.findByPrincipalName("alice")).containsOnlyKeys(newId);
    }

    @Test
    void principalIndexFollowsTheSecurityContextAndTheIndexAttribute() {
        var s1 = newSession(a);
        s1.setAttribute(SPRING_SECURITY_CONTEXT, securityContext("alice"));
        a.save(s1);
        var s2 = newSession(b);
        s2.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
        b.save(s2);
        var s3 = newSession(b);
        s3.setAttribute(SPRING_SECURITY_CONTEXT, securityContext("bob"));
        b.save(s3);

        int loginSessionBytes = storeA.cache().get(("s:" + s1.getId()).getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)).length;
        System.out.println("a session holding a Spring Security context takes " + loginSessionBytes + " bytes");
        assertThat(loginSessionBytes).isBetween(500, 4096); // docs/session.md's sizing advice relies on this

        var alices = a.findByIndexNameAndIndexValue(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
                "alice");
        assertThat(alices).containsOnlyKeys(s1.getId(), s2.getId());
        SecurityContext ctx = alices.get(s1.getId()).getAttribute(SPRING_SECURITY_CONTEXT);
        assertThat(ctx.getAuthentication().getName()).isEqualTo("alice");
        assertThat(a.findByIndexNameAndIndexValue("other-index", "alice")).isEmpty();

        var again = a.findById(s1.getId());
        again.removeAttribute(SPRING_SECURITY_CONTEXT); // logout without invalidation
        a.save(again);
        assertThat(b.findByPrincipalName("alice")).containsOnlyKeys(s2.getId());

        b.deleteById(s2.getId());
        assertThat(b.findByPrincipalName("alice")).isEmpty();
        assertThat(b.findByPrincipalName("bob")).containsOnlyKeys(s3.getId());
    }

    @Test
    void aSaveThatSetsNeitherPrincipalAttributeKeepsTheSessionIndexed() {
        var s = newSession(a);
        s.setAttribute(SPRING_SECURITY_CONTEXT, securityContext("alice"));
        a.save(s);
        var s2 = saved(b, FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "carol");

        for (var repo : List.of(a, b)) { // requests that only touch and count, on either instance
            for (String id : List.of(s.getId(), s2.getId())) {
                var request = repo.findById(id);
                request.setLastAccessedTime(clock.instant());
                request.setAttribute("visits", 1);
                repo.save(request);
            }
        }
        assertThat(a.findByPrincipalName("alice")).containsOnlyKeys(s.getId());
        assertThat(b.findByPrincipalName("carol")).containsOnlyKeys(s2.getId());

        var rename = b.findById(s2.getId()); // setting the index attribute still moves the session
        rename.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "dave");
        b.save(rename);
        assertThat(a.findByPrincipalName("carol")).isEmpty();
        assertThat(a.findByPrincipalName("dave")).containsOnlyKeys(s2.getId());
    }

    @Test
    void aCustomIndexResolverIsAskedOnEverySave() {
        String[] principal = {"erin"};
        a.setIndexResolver(session -> java.util.Map.of(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
                principal[0]));
        var s = saved(a, "k", "v");
        assertThat(a.findByPrincipalName("erin")).containsOnlyKeys(s.getId());

        principal[0] = "frank"; // the resolver's answer changes with no principal attribute set
        var request = a.findById(s.getId());
        request.setAttribute("visits", 1);
        a.save(request);
        assertThat(a.findByPrincipalName("erin")).isEmpty();
        assertThat(a.findByPrincipalName("frank")).containsOnlyKeys(s.getId());
    }

    @Test
    void onSetAttributeSavesOnlyChangedAttributesSoParallelRequestsBothSurvive() {
        var s = saved(a, "a", "0", "b", "0");
        var request1 = a.findById(s.getId());
        var request2 = b.findById(s.getId());
        request1.setAttribute("a", "1");
        request2.setAttribute("b", "2");
        a.save(request1);
        b.save(request2);
        var merged = a.findById(s.getId());
        assertThat((String) merged.getAttribute("a")).isEqualTo("1");
        assertThat((String) merged.getAttribute("b")).isEqualTo("2");
    }

    @Test
    void aSessionUsedAfterItsSaveReadsAndWritesWhatItShould() {
        var s = saved(a, "a", "1", "gone", "x");
        var request = a.findById(s.getId());
        request.setAttribute("b", "2");
        request.removeAttribute("gone");
        a.save(request);
        assertThat((String) request.getAttribute("b")).isEqualTo("2");
        assertThat(request.getAttributeNames()).containsExactlyInAnyOrder("a", "b");

        b.findById(s.getId()).setAttribute("b", "from another request"); // not saved: changes nothing
        var other = b.findById(s.getId());
        other.setAttribute("b", "3");
        b.save(other);
        a.save(request); // saved again, unchanged since: must not write its old "b" over the newer one
        request.setAttribute("c", "4");
        a.save(request); // only "c" is new
        var after = b.findById(s.getId());
        assertThat(after.getAttributeNames()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat((String) after.getAttribute("b")).isEqualTo("3");
        assertThat((String) after.getAttribute("c")).isEqualTo("4");
        assertThat((String) request.getAttribute("a")).isEqualTo("1");
        assertThat((String) request.getAttribute("gone")).isNull();
    }

    @Test
    void alwaysWritesARemovalOnceAndTheRestEveryTime() {
        b.setSaveMode(SaveMode.ALWAYS);
        var s = saved(b, "keep", "1", "drop", "1");
        s.removeAttribute("drop");
        b.save(s);
        var other = a.findById(s.getId());
        other.setAttribute("drop", "back");
        other.setAttribute("keep", "2");
        a.save(other);
        b.save(s); // rewrites "keep" (stale), but does not remove "drop" again
        var after = a.findById(s.getId());
        assertThat((String) after.getAttribute("keep")).isEqualTo("1");
        assertThat((String) after.getAttribute("drop")).isEqualTo("back");
    }

    @Test
    void alwaysRewritesEveryAttribute() {
        var s = saved(a, "a", "0", "b", "0");
        b.setSaveMode(SaveMode.ALWAYS);
        var request1 = a.findById(s.getId());
        var request2 = b.findById(s.getId());
        request1.setAttribute("a", "1");
        a.save(request1);
        request2.setAttribute("b", "2");
        b.save(request2); // ALWAYS writes its stale "a" too: documented lost-update risk of this mode
        var after = a.findById(s.getId());
        assertThat((String) after.getAttribute("a")).isEqualTo("0");
        assertThat((String) after.getAttribute("b")).isEqualTo("2");
    }

    @Test
    void onGetAttributeWritesBackWhatWasRead() {
        var s = newSession(a);
        List<String> cart = new ArrayList<>(List.of("book"));
        s.setAttribute("cart", cart);
        a.save(s);
        b.setSaveMode(SaveMode.ON_GET_ATTRIBUTE);
        var r1 = b.findById(s.getId());
        var r2 = a.findById(s.getId());
        List<String> read = r1.getAttribute("cart"); // read in r1 ...
        r2.setAttribute("cart", List.of("pen")); // ... changed by r2, which saves first
        a.save(r2);
        b.save(r1); // r1 writes back what it read: last writer wins for that attribute
        assertThat((List<Object>) a.findById(s.getId()).getAttribute("cart")).isEqualTo(read);

        // with the default mode the read is not written back
        var r3 = a.findById(s.getId());
        var r4 = a.findById(s.getId());
        r3.getAttribute("cart");
        r4.setAttribute("cart", List.of("pen"));
        a.save(r4);
        a.save(r3);
        assertThat((List<Object>) a.findById(s.getId()).getAttribute("cart")).containsExactly("pen");
    }

    @Test
    void immediateFlushMakesChangesVisibleBeforeSave() {
        a.setFlushMode(FlushMode.IMMEDIATE);
        var s = newSession(a);
        assertThat(b.findById(s.getId())).as("created at once").isNotNull();
        s.setAttribute("step", 1);
        assertThat((Integer) b.findById(s.getId()).getAttribute("step")).isEqualTo(1);
        s.setMaxInactiveInterval(Duration.ofMinutes(5));
        assertThat(b.findById(s.getId()).getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(5));

        b.setFlushMode(FlushMode.ON_SAVE);
        var t = newSession(b);
        t.setAttribute("x", 1);
        assertThat(a.findById(t.getId())).isNull();
    }

    @Test
    void aRequestFinishingAfterLogoutDoesNotBringTheSessionBack() {
        var s = newSession(a);
        a.save(s);
        var slow = b.findById(s.getId());
        a.deleteById(s.getId());
        slow.setAttribute("late", "write");
        b.save(slow);
        assertThat(a.findById(s.getId())).isNull();
    }

    @Test
    void cleanupRemovesExpiredSessionsAndPublishesOneExpiredEventEach() {
        var s = newSession(a);
        s.setMaxInactiveInterval(Duration.ofMinutes(1));
        s.setAttribute(SPRING_SECURITY_CONTEXT, securityContext("carol"));
        a.save(s);
        var live = newSession(a);
        a.save(live);
        clock.advance(Duration.ofMinutes(2));
        events.clear();

        assertThat(a.cleanUpExpiredSessions() + b.cleanUpExpiredSessions()).isEqualTo(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(SessionExpiredEvent.class,
                e -> assertThat(e.getSessionId()).isEqualTo(s.getId()));
        assertThat(a.findByPrincipalName("carol")).isEmpty();
        assertThat(a.findById(live.getId())).isNotNull(); // 2 of its 30 minutes idle
    }
}
