package io.fastmmap.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import io.fastmmap.ManualClock;
import io.fastmmap.servlet.testkit.Browser;
import io.fastmmap.servlet.testkit.SessionEvents;
import io.fastmmap.servlet.testkit.SharedSessionScenarios;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real requests through two embedded Tomcats sharing one file (Tomcat 10.1 here, 11 in fastmmap-tomcat11-tests):
 * the scenarios every container passes, and Tomcat's listener and expiry behaviour.
 */
class TomcatSessionsTest extends SharedSessionScenarios {
    /** The store's clock, by which sessions expire; Tomcat stamps access times with the wall clock. */
    ManualClock clock = new ManualClock(System.currentTimeMillis());

    @BeforeAll
    static void which() {
        System.out.println("on " + ServerInfo.getServerInfo() + ", JDK " + Runtime.version().feature());
    }

    @Override
    protected Node startNode(Path sessionFile, String name) throws Exception {
        return new TomcatNode(sessionFile, dir.resolve(name), clock);
    }

    @BeforeEach
    void clearEvents() {
        SessionEvents.SEEN.clear();
    }

    @Override
    protected void afterChangeSessionId(String before, String after) {
        assertThat(SessionEvents.SEEN).contains("id " + before + " -> " + after);
    }

    @Test
    void listenersAndBindingListenersFireAsWithStandardManager() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=probe&name=p"));
        String id = browser.cookie;
        assertThat(SessionEvents.SEEN).containsExactly("created " + id, "bound p to " + id);
        browser.body(b("op=unset&name=p"));
        assertThat(SessionEvents.SEEN).endsWith("unbound p from " + id);
        browser.body(b("op=probe&name=q"));
        browser.body(a("op=invalidate"));
        // Tomcat's order (StandardSession.expire): the listeners hear of the end first, then attributes are unbound.
        assertThat(SessionEvents.SEEN).endsWith("bound q to " + id, "destroyed " + id, "unbound q from " + id);
    }

    @Test
    void expiredSessionsAreRemovedOnceWithTheirEvents() throws Exception {
        String id = probedSession(new Browser(), 60);
        clock.advance(Duration.ofSeconds(30));
        ((TomcatNode) nodeA).manager.processExpires();
        assertThat(SessionEvents.SEEN).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        ((TomcatNode) nodeB).manager.processExpires();
        ((TomcatNode) nodeA).manager.processExpires();
        assertThat(SessionEvents.SEEN).containsExactly("destroyed " + id, "unbound p from " + id);
        assertThat(new Browser(id).body(a("op=id"))).isEqualTo("none");
    }

    /**
     * @return the id of a new session with that timeout and a probe bound in it, events so far forgotten, the store's
     *     clock just after its last access (which Tomcat stamped with the wall clock)
     */
    private String probedSession(Browser browser, int timeoutSeconds) throws Exception {
        browser.body(a("op=timeout&seconds=" + timeoutSeconds));
        browser.body(a("op=probe&name=p"));
        SessionEvents.SEEN.clear();
        clock.set(System.currentTimeMillis());
        return browser.cookie;
    }

    @Test
    void aSessionWithoutTimeoutNeverExpiresAsWithStandardManager() throws Exception {
        Browser browser = new Browser();
        String id = probedSession(browser, -1);
        clock.advance(Duration.ofDays(400)); // far beyond the store's default 24-hour limit
        ((TomcatNode) nodeA).manager.processExpires();
        ((TomcatNode) nodeB).manager.processExpires();
        assertThat(SessionEvents.SEEN).isEmpty();
        assertThat(browser.body(b("op=timeout"))).isEqualTo("-1");
        assertThat(browser.body(b("op=incr&name=n"))).isEqualTo("1");
        assertThat(browser.cookie).isEqualTo(id);
    }

    @Test
    void aTimeoutLongerThanADayIsKept() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=timeout&seconds=" + Duration.ofDays(3).toSeconds()));
        browser.body(a("op=incr&name=n"));
        String id = browser.cookie;
        clock.set(System.currentTimeMillis());
        clock.advance(Duration.ofDays(2));
        ((TomcatNode) nodeB).manager.processExpires();
        assertThat(browser.body(b("op=timeout"))).isEqualTo(String.valueOf(Duration.ofDays(3).toSeconds()));
        assertThat(new Browser(id).body(b("op=id"))).isEqualTo(id);
        clock.advance(Duration.ofDays(3).plusSeconds(1));
        ((TomcatNode) nodeA).manager.processExpires();
        assertThat(new Browser(id).body(b("op=id"))).isEqualTo("none");
    }

    @Test
    void aDamagedSessionEntryGivesAFreshSessionNeverAnError() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=incr&name=n"));
        try (FastMmap raw = FastMmap.builder(file).cacheSize(4 << 20).pageSize(16 << 10).build()) {
            raw.set(("s:" + browser.cookie).getBytes(StandardCharsets.US_ASCII),
                    "not a session record".getBytes(StandardCharsets.US_ASCII));
        }
        String damaged = browser.cookie;
        HttpResponse<String> response = browser.get(b("op=incr&name=n"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("1");
        assertThat(browser.cookie).isNotEqualTo(damaged);
    }
}
