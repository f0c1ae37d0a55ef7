package io.fastmmap.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastmmap.servlet.testkit.DemoInstance;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration of examples/catalyst-migration end to end: a real Catalyst app (Catalyst::Plugin::Session,
 * Session::Store::FastMmap, Session::State::Cookie, under plackup) and the packaged Spring demo in its own JVM with
 * profile "catalyst" ({@code fastmmap.session.format=catalyst}) on one session file, driven by one cookie jar as a
 * browser behind one proxy would: a count, a list and a non-ASCII text set by one are read and changed by the other,
 * both ways, and a session created by either is taken up by the other.
 *
 * <p>Needs Debian's Catalyst stack (libcatalyst-perl, libcatalyst-plugin-session-perl,
 * libcatalyst-plugin-session-store-fastmmap-perl, libcatalyst-plugin-session-state-cookie-perl, libplack-perl).
 * Without it the test is skipped with a message, unless {@code -Dfastmmap.e2e.require=true} (CI) makes that a failure.
 */
class CatalystMigrationE2ETest {
    private static final String COOKIE = "migrationapp_session";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Process catalyst;
    private int catalystPort;
    private DemoInstance spring;

    @BeforeEach
    void start() throws Exception {
        requireCatalyst();
        Path file = dir.resolve("session_data");
        Path app = Path.of(System.getProperty("fastmmap.catalyst.app", "../catalyst-migration/catalyst"));
        catalystPort = freePort();
        ProcessBuilder plackup = new ProcessBuilder(List.of("plackup", "-I", app.resolve("lib").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(catalystPort), app.resolve("app.psgi").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("catalyst.log").toFile());
        plackup.environment().put("SESSION_FILE", file.toString());
        catalyst = plackup.start();
        spring = new DemoInstance("spring", file, dir, "/api/whoami", (name, port, sessions) -> List.of(
                "--server.port=" + port, "--demo.instance=" + name, "--fastmmap.session.file=" + sessions,
                "--spring.main.banner-mode=off", "--spring.profiles.active=catalyst")).start();
        awaitCatalyst();
    }

    @AfterEach
    void stop() throws Exception {
        if (spring != null) {
            spring.close();
        }
        if (catalyst != null) {
            catalyst.destroy();
            if (!catalyst.waitFor(10, TimeUnit.SECONDS)) {
                catalyst.destroyForcibly();
            }
        }
    }

    @Test
    void oneVisitorAcrossCatalystAndSpringBothWays() throws Exception {
        Browser browser = new Browser();

        // Spring creates the session: the cookie carries a Catalyst id as it is.
        assertThat(browser.get(spring("/api/visits"))).containsEntry("visits", 1);
        String sid = browser.sessionId();
        assertThat(sid).matches("[0-9a-f]{40}");
        browser.post(spring("/api/cart"), "item", "spring-1");
        browser.post(spring("/api/name"), "name", "møøse from Spring ✓");

        // Catalyst takes it up, reads all three and changes them.
        assertThat(browser.get(catalyst("/api/visits"))).containsEntry("visits", 2);
        assertThat(browser.get(catalyst("/api/cart"))).containsEntry("items", List.of("spring-1"));
        assertThat(browser.get(catalyst("/api/name"))).containsEntry("name", "møøse from Spring ✓");
        browser.post(catalyst("/api/cart"), "item", "perl-2");
        browser.post(catalyst("/api/name"), "name", "ключ from Catalyst");
        assertThat(browser.sessionId()).as("Catalyst kept Spring's session id").isEqualTo(sid);

        // Spring sees Catalyst's changes and goes on.
        assertThat(browser.get(spring("/api/visits"))).containsEntry("visits", 3);
        assertThat(browser.get(spring("/api/cart"))).containsEntry("items", List.of("spring-1", "perl-2"));
        assertThat(browser.get(spring("/api/name"))).containsEntry("name", "ключ from Catalyst");
        browser.post(spring("/api/cart"), "item", "spring-3");
        assertThat(browser.get(catalyst("/api/cart"))).containsEntry("items", List.of("spring-1", "perl-2",
                "spring-3"));
        assertThat(browser.get(catalyst("/api/visits"))).containsEntry("visits", 4);
        assertThat(browser.sessionId()).isEqualTo(sid);

        // A visitor who arrives at Catalyst first: Spring takes that session up.
        Browser second = new Browser();
        assertThat(second.get(catalyst("/api/visits"))).containsEntry("visits", 1);
        second.post(catalyst("/api/name"), "name", "Grüße from Perl");
        String perlSid = second.sessionId();
        assertThat(perlSid).matches("[0-9a-f]+").isNotEqualTo(sid);
        assertThat(second.get(spring("/api/visits"))).containsEntry("visits", 2);
        assertThat(second.get(spring("/api/name"))).containsEntry("name", "Grüße from Perl");
        assertThat(second.sessionId()).as("Spring kept Catalyst's session id").isEqualTo(perlSid);
        assertThat(second.get(catalyst("/api/visits"))).containsEntry("visits", 3);

        // The first visitor is untouched by the second.
        assertThat(browser.get(spring("/api/visits"))).containsEntry("visits", 5);
    }

    private URI spring(String path) {
        return URI.create("http://127.0.0.1:" + spring.port() + path);
    }

    private URI catalyst(String path) {
        return URI.create("http://127.0.0.1:" + catalystPort + path);
    }

    /**
     * One cookie jar across both apps, as a browser behind one proxy has. A new connection per request: plackup's
     * single-process server closes each connection after its answer, and a POST sent on a pooled connection it has
     * just closed fails with "connection reset" instead of being retried.
     */
    private static final class Browser {
        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        Map<String, Object> get(URI uri) throws Exception {
            return send(HttpRequest.newBuilder(uri).GET());
        }

        Map<String, Object> post(URI uri, String name, String value) throws Exception {
            String form = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        }

        private Map<String, Object> send(HttpRequest.Builder request) throws Exception {
            HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<byte[]> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertThat(response.statusCode()).as(response.uri() + " answered " + body).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> json = JSON.readValue(response.body(), Map.class);
            return json;
        }

        String sessionId() {
            List<HttpCookie> matching = cookies.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals(COOKIE)).toList();
            assertThat(matching).as("one " + COOKIE + " cookie in the jar").hasSize(1);
            return matching.get(0).getValue();
        }
    }

    private void awaitCatalyst() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!catalyst.isAlive()) {
                throw new IllegalStateException("plackup exited with " + catalyst.exitValue() + ": "
                        + Files.readString(dir.resolve("catalyst.log")));
            }
            try {
                if (client.send(HttpRequest.newBuilder(catalyst("/")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Catalyst app did not answer within 2 minutes: "
                + Files.readString(dir.resolve("catalyst.log")));
    }

    private static void requireCatalyst() throws Exception {
        boolean present;
        try {
            Process check = new ProcessBuilder("perl", "-MCatalyst", "-MCatalyst::Plugin::Session::Store::FastMmap",
                    "-MCatalyst::Plugin::Session::State::Cookie", "-MPlack::Runner", "-e", "1")
                    .redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            present = check.waitFor() == 0;
        } catch (IOException e) {
            present = false;
        }
        String missing = "Perl's Catalyst session stack or plackup is missing (apt-get install libcatalyst-perl "
                + "libcatalyst-plugin-session-perl libcatalyst-plugin-session-store-fastmmap-perl "
                + "libcatalyst-plugin-session-state-cookie-perl libplack-perl)";
        if (!present && Boolean.getBoolean("fastmmap.e2e.require")) {
            throw new IllegalStateException(missing);
        }
        Assumptions.assumeTrue(present, "SKIPPED: " + missing);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
