package io.fastmmap.servlet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every container integration must do, through real requests to two servers (a and b) that share one session
 * file, each serving {@link SessionServlet} and using 16 KiB pages. A container's test extends this and says how to
 * start one server ({@link #startNode}).
 */
public abstract class SharedSessionScenarios {
    /** One server of the scenarios. */
    public interface Node extends AutoCloseable {
        /** @return the URL of the node's session servlet with {@code query} */
        String url(String query);

        @Override
        void close();
    }

    @TempDir
    protected Path dir;
    /** The file both nodes share. */
    protected Path file;
    protected Node nodeA;
    protected Node nodeB;

    /**
     * @param sessionFile the shared file (16 KiB pages)
     * @param name the node's name, also its worker name where the container has one
     * @return a started server serving {@link SessionServlet} at {@code /app/s}, async supported
     */
    protected abstract Node startNode(Path sessionFile, String name) throws Exception;

    @BeforeEach
    void startNodes() throws Exception {
        file = dir.resolve("sessions.fmm");
        nodeA = startNode(file, "nodea");
        nodeB = startNode(file, "nodeb");
    }

    @AfterEach
    void stopNodes() {
        nodeA.close();
        nodeB.close();
    }

    protected String a(String query) {
        return nodeA.url(query);
    }

    protected String b(String query) {
        return nodeB.url(query);
    }

    /** Called when a session invalidated during a slow request was not brought back by it; checks the file. */
    protected void afterInvalidatedDuringRequest() {
    }

    /** Called after {@code before} became {@code after} by changeSessionId; checks events or the file. */
    protected void afterChangeSessionId(String before, String after) {
    }

    @Test
    public void everyServerOnTheFileSeesASessionAtOnce() throws Exception {
        Browser browser = new Browser();
        assertThat(browser.body(a("op=incr&name=n"))).isEqualTo("1");
        assertThat(browser.body(b("op=incr&name=n"))).isEqualTo("2");
        assertThat(browser.body(a("op=incr&name=n"))).isEqualTo("3");
        assertThat(browser.body(b("op=dump"))).isEqualTo("{n=3}");
    }

    @Test
    public void concurrentRequestsChangingDifferentAttributesBothSurvive() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=set&name=x&value=0"));
        CountDownLatch reachedA = SessionServlet.arm("merge-a");
        CountDownLatch reachedB = SessionServlet.arm("merge-b");
        // Both requests load the session before either saves: a whole-session save would lose one change.
        CompletableFuture<String> first = async(new Browser(browser.cookie), a("op=set&name=a&value=1&pause=merge-a"));
        CompletableFuture<String> second = async(new Browser(browser.cookie), b("op=set&name=b&value=2&pause=merge-b"));
        assertThat(reachedA.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(reachedB.await(20, TimeUnit.SECONDS)).isTrue();
        SessionServlet.release("merge-a");
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        SessionServlet.release("merge-b");
        assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(browser.body(a("op=dump"))).isEqualTo("{a=1, b=2, x=0}");
    }

    @Test
    public void aChangeIsSavedBeforeAFlushedResponseLeaves() throws Exception {
        Browser browser = new Browser();
        CompletableFuture<String> first = answeredButStillRunningOnA(browser, "flushed");
        // The answer has left while its request still runs: the browser's next request may go anywhere.
        assertThat(new Browser(browser.cookie).body(b("op=dump"))).isEqualTo("{x=1}");
        SessionServlet.release("flushed");
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
    }

    @Test
    public void aRequestStillRunningAfterItsAnswerDoesNotHideAnotherServersChange() throws Exception {
        Browser browser = new Browser();
        CompletableFuture<String> first = answeredButStillRunningOnA(browser, "still-running");
        // The browser has the answer while a's request still holds the session (a loaded machine does this too):
        // its next requests go to b, then back to a, which must not serve the copy that request holds.
        assertThat(new Browser(browser.cookie).body(b("op=set&name=x&value=2"))).isEqualTo("ok");
        assertThat(new Browser(browser.cookie).body(a("op=dump"))).isEqualTo("{x=2}");
        SessionServlet.release("still-running");
        assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(new Browser(browser.cookie).body(b("op=dump"))).isEqualTo("{x=2}");
    }

    /**
     * Sets x=0 on a, then x=1 on a by a request that flushes its answer and waits at {@code pause} (released by
     * the caller), once it has flushed.
     *
     * @return that request's answer
     */
    private CompletableFuture<String> answeredButStillRunningOnA(Browser browser, String pause) throws Exception {
        browser.body(a("op=set&name=x&value=0"));
        CountDownLatch flushed = SessionServlet.arm(pause);
        CompletableFuture<String> request = async(new Browser(browser.cookie),
                a("op=set&name=x&value=1&pauseAfterFlush=" + pause));
        assertThat(flushed.await(20, TimeUnit.SECONDS)).isTrue();
        return request;
    }

    @Test
    public void aChangeMadeDuringAnAsyncRequestIsSaved() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=set&name=x&value=0"));
        assertThat(browser.body(a("op=async&name=late&value=1"))).isEqualTo("ok");
        assertThat(browser.body(b("op=dump"))).isEqualTo("{late=1, x=0}");
    }

    @Test
    public void aSessionInvalidatedDuringARequestIsNotBroughtBackByIt() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=set&name=x&value=0"));
        CountDownLatch reached = SessionServlet.arm("slow");
        CompletableFuture<String> slow = async(new Browser(browser.cookie), a("op=set&name=late&value=1&pause=slow"));
        assertThat(reached.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new Browser(browser.cookie).body(b("op=invalidate"))).isEqualTo("invalidated");
        SessionServlet.release("slow");
        assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(new Browser(browser.cookie).body(a("op=id"))).isEqualTo("none");
        assertThat(new Browser(browser.cookie).body(b("op=id"))).isEqualTo("none");
        afterInvalidatedDuringRequest();
    }

    @Test
    public void changeSessionIdMovesTheSessionEverywhereAndRetiresTheOldId() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=incr&name=n"));
        String before = browser.cookie;
        String newId = browser.body(a("op=login"));
        assertThat(browser.cookie).isNotEqualTo(before).startsWith(newId);
        assertThat(browser.body(b("op=incr&name=n"))).isEqualTo("2");
        assertThat(new Browser(before).body(b("op=id"))).isEqualTo("none");
        afterChangeSessionId(before, newId);
    }

    @Test
    public void forgedOversizedOrForeignCookiesGetAFreshSessionNeverAnError() throws Exception {
        List<String> cookies = List.of("../../../../etc/passwd", "x".repeat(5000), "abc%00def", "\"quoted\"",
                "node0doesnotexist.node0", "123e4567-e89b-12d3-a456-426614174000", "A1B2C3D4E5F60718293A4B5C6D7E8F90",
                ".", "-");
        for (String cookie : cookies) {
            Browser browser = new Browser(cookie);
            HttpResponse<String> response = browser.get(a("op=incr&name=n"));
            assertThat(response.statusCode()).as("cookie %s", cookie).isEqualTo(200);
            assertThat(response.body()).as("cookie %s", cookie).isEqualTo("1");
            assertThat(browser.cookie).as("cookie %s", cookie).isNotEqualTo(cookie);
        }
    }

    @Test
    public void aSessionTooLargeForAPageIsRefusedAndKeepsItsContents() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=incr&name=n"));
        browser.get(a("op=big&name=big&size=40000")); // pages are 16 KiB
        assertThat(browser.body(b("op=dump"))).isEqualTo("{n=1}");
        browser.body(a("op=big&name=big&size=4000"));
        assertThat(browser.body(b("op=dump"))).isEqualTo("{big=<4000 chars>, n=1}");
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
