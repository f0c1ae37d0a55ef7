package io.fastmmap.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.servlet.testkit.DemoE2E;
import io.fastmmap.servlet.testkit.DemoInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo end to end, in headless Chromium driving two real instances (separate JVMs of the packaged jar) that
 * share one session file: log in on A, still logged in on B; log out on B, logged out on A; then kill -9 instance
 * A while requests are running, restart it, and every session is still there with its count going on.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@link DemoE2E#headlessChromium}); {@code
 * -Dfastmmap.e2e.skip=true} skips it.
 */
class SpringDemoE2ETest {
    private static final Pattern VISITS = Pattern.compile("\"visits\":(\\d+)");

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private WebDriver browser;

    @BeforeEach
    void browser() {
        browser = DemoE2E.headlessChromium(dir);
    }

    @AfterEach
    void close() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private DemoInstance instance(String name, Path sessionFile) {
        DemoInstance instance = new DemoInstance(name, sessionFile, dir, "/api/whoami", (n, port, file) -> List.of(
                "--server.port=" + port, "--demo.instance=" + n, "--fastmmap.session.file=" + file,
                "--spring.main.banner-mode=off"));
        toClose.add(instance);
        return instance;
    }

    private String heading(String url) {
        browser.get(url);
        return browser.findElements(By.id("who")).isEmpty() ? "login page at " + browser.getCurrentUrl()
                : browser.findElement(By.id("who")).getText();
    }

    private void logIn(DemoInstance on) {
        browser.get(on.url("/account"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        browser.findElement(By.id("username")).sendKeys("demo");
        browser.findElement(By.id("password")).sendKeys("demo");
        submitAndWaitToLeave("/login");
    }

    /**
     * Clicks the form's submit button and waits until the browser has left the page at {@code path}: click() returns
     * before the POST's redirect is followed, and a browser.get() issued meanwhile races it (seen under load).
     */
    private void submitAndWaitToLeave(String path) {
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(driver -> !URI.create(driver.getCurrentUrl()).getPath().equals(path));
    }

    @Test
    void loginLogoutAndACrashAcrossTwoInstances() throws Exception {
        Path sessions = dir.resolve("demo.sessions");
        DemoInstance a = instance("A", sessions).start();
        DemoInstance b = instance("B", sessions).start();

        // not logged in anywhere yet
        assertThat(heading(a.url("/account"))).startsWith("login page");

        // log in on A ...
        logIn(a);
        assertThat(heading(a.url("/account"))).isEqualTo("Logged in as demo on instance A");
        // ... and B knows it (browsers send localhost cookies to every port)
        assertThat(heading(b.url("/account"))).isEqualTo("Logged in as demo on instance B");

        // log out on B (Spring Security's confirmation page, then its button) ...
        browser.get(b.url("/logout"));
        submitAndWaitToLeave("/logout");
        // ... and A forgot the login too
        assertThat(heading(a.url("/account"))).startsWith("login page");
        assertThat(heading(b.url("/account"))).startsWith("login page");

        // log in again, this time on B, and count some visits on A
        logIn(b);
        assertThat(heading(a.url("/account"))).isEqualTo("Logged in as demo on instance A");
        Cookie browserCookie = browser.manage().getCookieNamed("SESSION");
        assertThat(browserCookie).isNotNull();

        // kill -9 A while 8 other visitors and the browser's session hammer it
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<String> cookies = new ArrayList<>();
        cookies.add("SESSION=" + browserCookie.getValue());
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(b.url("/api/visits"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
            cookies.add(setCookie.substring(0, setCookie.indexOf(';')));
        }
        ConcurrentHashMap<String, Integer> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger requests = new AtomicInteger();
        List<Thread> visitors = new ArrayList<>();
        for (String cookie : cookies) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(a.url("/api/visits")))
                                .header("Cookie", cookie).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        Matcher m = VISITS.matcher(r.body());
                        if (r.statusCode() == 200 && m.find()) {
                            acknowledged.merge(cookie, Integer.parseInt(m.group(1)), Math::max);
                            requests.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // A is dead for a while: keep trying until the test stops us
                    }
                }
            });
            t.start();
            visitors.add(t);
        }
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (requests.get() < 300 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(requests.get()).as("requests served by A before the kill").isGreaterThanOrEqualTo(100);
        a.kill9();
        int beforeRestart = requests.get();
        a.start(); // same port, same file
        until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (requests.get() < beforeRestart + 100 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        running.set(false);
        for (Thread t : visitors) {
            t.join(10_000);
        }
        assertThat(requests.get()).as("requests served after the restart").isGreaterThan(beforeRestart);

        // every session survived: each count goes on from at least what A had acknowledged
        for (String cookie : cookies) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(b.url("/api/visits")))
                    .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = VISITS.matcher(r.body());
            assertThat(m.find()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("visits of %s", cookie)
                    .isGreaterThan(acknowledged.getOrDefault(cookie, 0));
        }
        // and the browser is still logged in, on the restarted A
        assertThat(heading(a.url("/account"))).isEqualTo("Logged in as demo on instance A");
        System.out.println("E2E: " + requests.get() + " requests, A killed with SIGKILL after " + beforeRestart
                + "; sessions after restart: " + acknowledged);
    }
}
