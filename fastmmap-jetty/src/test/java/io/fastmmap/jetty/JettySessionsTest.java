package io.fastmmap.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CacheEntry;
import io.fastmmap.FastMmap;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real servlet requests through two Jetty servers (ee10) sharing one file, set up as docs/jetty.md says: what a user
 * of the store sees.
 */
class JettySessionsTest {
    @TempDir
    Path dir;
    Path file;
    JettyNode a;
    JettyNode b;

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("sessions.fmm");
        a = new JettyNode(file, "nodea");
        b = new JettyNode(file, "nodeb");
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
    }

    @Test
    void everyServerOnTheFileSeesASessionAtOnce() throws Exception {
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
        var reachedA = SessionServlet.arm("merge-a");
        var reachedB = SessionServlet.arm("merge-b");
        // Both requests load the session before either saves: a whole-session save would lose one change.
        CompletableFuture<String> first = async(new Browser(browser.cookie), a.url("op=set&name=a&value=1"
                + "&pause=merge-a"));
        CompletableFuture<String> second = async(new Browser(browser.cookie), b.url("op=set&name=b&value=2"
                + "&pause=merge-b"));
        assertThat(reachedA.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(reachedB.await(20, TimeUnit.SECONDS)).isTrue();
        SessionServlet.release("merge-a");
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        SessionServlet.release("merge-b");
        assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(browser.body(a.url("op=dump"))).isEqualTo("{a=1, b=2, x=0}");
    }

    @Test
    void aSessionInvalidatedDuringARequestIsNotBroughtBackByIt() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=set&name=x&value=0"));
        var reached = SessionServlet.arm("slow");
        CompletableFuture<String> slow = async(new Browser(browser.cookie), a.url("op=set&name=late&value=1"
                + "&pause=slow"));
        assertThat(reached.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new Browser(browser.cookie).body(b.url("op=invalidate"))).isEqualTo("invalidated");
        SessionServlet.release("slow");
        assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(new Browser(browser.cookie).body(a.url("op=id"))).isEqualTo("none");
        assertThat(new Browser(browser.cookie).body(b.url("op=id"))).isEqualTo("none");
        assertThat(jettyEntries()).isEmpty();
    }

    @Test
    void changeSessionIdMovesTheSessionEverywhereAndRetiresTheOldId() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=incr&name=n"));
        String before = browser.cookie;
        String newId = browser.body(a.url("op=login"));
        assertThat(browser.cookie).isNotEqualTo(before).startsWith(newId);
        assertThat(browser.body(b.url("op=incr&name=n"))).isEqualTo("2");
        assertThat(new Browser(before).body(b.url("op=id"))).isEqualTo("none");
        assertThat(jettyEntries()).hasSize(1);
    }

    @Test
    void forgedOversizedOrForeignCookiesGetAFreshSessionNeverAnError() throws Exception {
        List<String> cookies = List.of("../../../../etc/passwd", "x".repeat(5000), "abc%00def", "a;b", "\"quoted\"",
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
        byte[] key = jettyEntries().get(0).key();
        String id = browser.cookie.substring(0, browser.cookie.indexOf('.'));
        // Another session of the same context, damaged: written here, not raced against the request's own save.
        byte[] prefix = java.util.Arrays.copyOf(key, key.length - id.length());
        String damagedId = "node0damaged0123456789";
        try (FastMmap raw = FastMmap.builder(file).cacheSize(4 << 20).pageSize(16 << 10).build()) {
            raw.set(SessionKeys.key(prefix, damagedId), "J but not a record".getBytes(StandardCharsets.US_ASCII));
        }
        Browser victim = new Browser(damagedId + ".nodea");
        HttpResponse<String> response = victim.get(b.url("op=incr&name=n"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("1");
        assertThat(victim.cookie).doesNotStartWith(damagedId);
    }

    @Test
    void aSessionTooLargeForAPageIsRefusedAndKeepsItsContents() throws Exception {
        Browser browser = new Browser();
        browser.body(a.url("op=incr&name=n"));
        browser.get(a.url("op=big&name=big&size=40000")); // pages are 16 KiB
        assertThat(browser.body(b.url("op=dump"))).isEqualTo("{n=1}");
        browser.get(a.url("op=big&name=big&size=4000"));
        assertThat(browser.body(b.url("op=dump"))).isEqualTo("{big=<4000 chars>, n=1}");
    }

    private List<CacheEntry> jettyEntries() {
        try (FastMmap raw = FastMmap.builder(file).cacheSize(4 << 20).pageSize(16 << 10).build()) {
            List<CacheEntry> out = new java.util.ArrayList<>();
            raw.entriesWithValues().forEach(e -> {
                if (SessionKeys.isSessionKey(e.key())) {
                    out.add(e);
                }
            });
            return out;
        }
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
