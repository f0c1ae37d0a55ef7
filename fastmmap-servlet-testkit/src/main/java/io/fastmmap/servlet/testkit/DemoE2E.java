package io.fastmmap.servlet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The servlet demos' end-to-end scenario in headless Chromium: one visitor alternates between two instances (separate
 * JVMs of the packaged jar) on one session file and the count goes on; instance A is killed with SIGKILL and
 * restarted, and the count still goes on; the visitor ends the session on B, and A starts a new one.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} (Selenium is a provided dependency: the demos bring
 * it). Without them the test is skipped with a message, unless {@code -Dfastmmap.e2e.require=true} (CI) makes that a
 * failure.
 */
public final class DemoE2E {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private DemoE2E() {
    }

    /**
     * @param container the name the demo's page shows (e.g. "Jetty")
     * @param dir a scratch directory (the session file, logs, the browser profile)
     */
    public static void run(String container, Path dir) throws Exception {
        WebDriver browser = headlessChromium(dir);
        Path sessions = dir.resolve("demo.sessions");
        try (DemoInstance a = new DemoInstance("A", sessions, dir); DemoInstance b = new DemoInstance("B", sessions,
                dir)) {
            a.start();
            b.start();
            for (int visit = 1; visit <= 4; visit++) {
                DemoInstance on = visit % 2 == 1 ? a : b;
                String name = on == a ? "A" : "B";
                assertThat(page(browser, on.url("/"))).as("visit %d", visit)
                        .isEqualTo(container + " instance " + name + ": visit " + visit);
            }
            a.kill9();
            a.start(); // same port, same file
            assertThat(page(browser, a.url("/"))).as("after A was killed and restarted")
                    .isEqualTo(container + " instance A: visit 5");
            browser.get(b.url("/end"));
            assertThat(browser.findElement(By.id("ended")).getText()).contains("ended");
            assertThat(page(browser, a.url("/"))).as("after the session ended on B")
                    .isEqualTo(container + " instance A: visit 1");
        } finally {
            browser.quit();
        }
    }

    private static String page(WebDriver browser, String url) {
        browser.get(url);
        return browser.findElement(By.id("who")).getText() + ": visit " + browser.findElement(By.id("visits"))
                .getText();
    }

    /**
     * @return Debian's Chromium, headless, driven by its chromedriver, its profile under {@code dir}; the test is
     *     skipped when they are missing, unless {@code -Dfastmmap.e2e.require=true}
     */
    public static WebDriver headlessChromium(Path dir) {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && Boolean.getBoolean("fastmmap.e2e.require")) {
            throw new IllegalStateException("the end-to-end test needs /usr/bin/chromium and /usr/bin/chromedriver:"
                    + " apt-get install -y chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "SKIPPED: /usr/bin/chromium or /usr/bin/chromedriver missing"
                + " (apt-get install -y chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return browser;
    }
}
