package io.fastmmap.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real requests through two embedded Tomcats sharing one file (Tomcat 10.1 here, 11 in fastmmap-tomcat11-tests):
 * what a user of the manager sees.
 */
class TomcatSessionsTest {
    @TempDir
    Path dir;
    Path file;
    MutableClock clock = new MutableClock();
    TomcatNode a;
    TomcatNode b;

    @BeforeAll
    static void which() {
        System.out.println("on " + ServerInfo.getServerInfo() + ", JDK " + Runtime.version().feature());
    }

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("sessions.fmm");
        a = new TomcatNode(file, dir.resolve("a"), clock);
        b = new TomcatNode(file, dir.resolve("b"), clock);
        Events.SEEN.clear();
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    @Test
    void everyTomcatOnTheFileSeesASessionAtOnce() throws Exception {
        Browser browser = new Browser();
        assertThat(browser.body(a.url("op=incr&name=n"))).isEqualTo("1");
        assertThat(browser.body(b.url("op=incr&name=n"))).isEqualTo("2");
        assertThat(browser.body(a.url("op=incr&name=n"))).isEqualTo("3");
        assertThat(browser.body(b.url("op=dump"))).isEqualTo("{n=3}");
    }

    @Test
    void concurrentRequestsChangingDifferentAttributesBothSurvive() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=set&name=x&value=0"));
        var reachedA = TomcatSessionServlet.arm("merge-a");
        var reachedB = TomcatSessionServlet.arm("merge-b");
        CompletableFuture<String> first = async(new Browser(browser.cookie), a.url("op=set&name=a&value=1"
                + "&pause=merge-a"));
        CompletableFuture<String> second = async(new Browser(browser.cookie), b.url("op=set&name=b&value=2"
                + "&pause=merge-b"));
        assertThat(reachedA.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(reachedB.await(20, TimeUnit.SECONDS)).isTrue();
        TomcatSessionServlet.release("merge-a");
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        TomcatSessionServlet.release("merge-b");
        assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(browser.body(a.url("op=dump"))).isEqualTo("{a=1, b=2, x=0}");
    }

    @Test
    void aSessionInvalidatedDuringARequestIsNotBroughtBackByIt() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=set&name=x&value=0"));
        var reached = TomcatSessionServlet.arm("slow");
        CompletableFuture<String> slow = async(new Browser(browser.cookie), a.url("op=set&name=late&value=1"
                + "&pause=slow"));
        assertThat(reached.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new Browser(browser.cookie).body(b.url("op=invalidate"))).isEqualTo("invalidated");
        TomcatSessionServlet.release("slow");
        assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(new Browser(browser.cookie).body(a.url("op=id"))).isEqualTo("none");
        assertThat(new Browser(browser.cookie).body(b.url("op=id"))).isEqualTo("none");
    }

    @Test
    void changeSessionIdMovesTheSessionEverywhereAndRetiresTheOldId() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=incr&name=n"));
        String before = browser.cookie;
        String newId = browser.body(a.url("op=set&name=u&value=alice").replace("op=set", "op=login"));
        assertThat(browser.cookie).isEqualTo(newId).isNotEqualTo(before);
        assertThat(browser.body(b.url("op=incr&name=n"))).isEqualTo("2");
        assertThat(new Browser(before).body(b.url("op=id"))).isEqualTo("none");
        assertThat(Events.SEEN).contains("id " + before + " -> " + newId);
    }

    @Test
    void listenersAndBindingListenersFireAsWithStandardManager() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=probe&name=p"));
        String id = browser.cookie;
        assertThat(Events.SEEN).containsExactly("created " + id, "bound p to " + id);
        browser.body(b.url("op=unset&name=p"));
        assertThat(Events.SEEN).endsWith("unbound p from " + id);
        browser.body(b.url("op=probe&name=q"));
        browser.body(a.url("op=invalidate"));
        // Tomcat's order (StandardSession.expire): the listeners hear of the end first, then attributes are unbound.
        assertThat(Events.SEEN).endsWith("bound q to " + id, "destroyed " + id, "unbound q from " + id);
    }

    @Test
    void expiredSessionsAreRemovedOnceWithTheirEvents() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=timeout&seconds=60"));
        browser.body(a.url("op=probe&name=p"));
        String id = browser.cookie;
        Events.SEEN.clear();
        clock.advance(Duration.ofSeconds(30));
        a.manager.processExpires();
        assertThat(Events.SEEN).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        b.manager.processExpires();
        a.manager.processExpires();
        assertThat(Events.SEEN).containsExactly("destroyed " + id, "unbound p from " + id);
        assertThat(new Browser(id).body(a.url("op=id"))).isEqualTo("none");
    }

    @Test
    void forgedOversizedOrForeignCookiesGetAFreshSessionNeverAnError() throws Exception {
        List<String> cookies = List.of("../../../../etc/passwd", "x".repeat(5000), "abc%00def", "\"quoted\"",
                "node0doesnotexist.node0", "123e4567-e89b-12d3-a456-426614174000", "A1B2C3D4E5F60718293A4B5C6D7E8F90",
                ".", "-");
        for (String cookie : cookies) {
            Browser browser = new Browser(cookie);
            HttpResponse<String> response = browser.get(a.url("op=incr&name=n"));
            assertThat(response.statusCode()).as("cookie %s", cookie).isEqualTo(200);
            assertThat(response.body()).as("cookie %s", cookie).isEqualTo("1");
            assertThat(browser.cookie).as("cookie %s", cookie).isNotEqualTo(cookie);
        }
    }

    @Test
    void aDamagedSessionEntryGivesAFreshSessionNeverAnError() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=incr&name=n"));
        try (FastMmap raw = FastMmap.builder(file).cacheSize(4 << 20).pageSize(16 << 10).build()) {
            raw.set(("s:" + browser.cookie).getBytes(StandardCharsets.US_ASCII),
                    "not a session record".getBytes(StandardCharsets.US_ASCII));
        }
        String damaged = browser.cookie;
        HttpResponse<String> response = browser.get(b.url("op=incr&name=n"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("1");
        assertThat(browser.cookie).isNotEqualTo(damaged);
    }

    @Test
    void aSessionTooLargeForAPageIsRefusedAndKeepsItsContents() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=incr&name=n"));
        browser.get(a.url("op=big&name=big&size=40000")); // pages are 16 KiB
        assertThat(browser.body(b.url("op=dump"))).isEqualTo("{n=1}");
        browser.body(a.url("op=big&name=big&size=4000"));
        assertThat(browser.body(b.url("op=dump"))).isEqualTo("{big=<4000 chars>, n=1}");
    }

    private static CompletableFuture<String> async(Browser browser, String url) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return browser.body(url);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
