package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.perl.CatalystSessions;
import io.fastmmap.session.SessionStore;
import io.fastmmap.spring.session.CatalystSessionRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.SessionRepository;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;

/**
 * {@code fastmmap.session.format=catalyst} with Boot's own session auto-configuration (Boot 3.5 here, Boot 4 in
 * fastmmap-spring-boot4-tests, the same source).
 */
class CatalystSessionAutoConfigurationTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CatalystSessionAutoConfiguration.class,
                        FastMmapSessionAutoConfiguration.class, FastMmapRedisTierAutoConfiguration.class,
                        FastMmapSessionAutoConfigurationTest.bootSessionAutoConfiguration()))
                .withPropertyValues("fastmmap.session.format=catalyst");
    }

    @Test
    void catalystsFileCookieAndExpiryWithCacheFastMmapsDefaultGeometry() {
        Path file = dir.resolve("myapp").resolve("session_data");
        runner().withPropertyValues("fastmmap.session.file=" + file,
                "server.servlet.session.cookie.name=myapp_session", "server.servlet.session.timeout=2h")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SessionStore.class);
                    assertThat(context.getBean(SessionRepository.class)).isInstanceOf(CatalystSessionRepository.class);
                    CatalystSessionRepository repository = context.getBean(CatalystSessionRepository.class);
                    assertThat(repository.createSession().getMaxInactiveInterval()).isEqualTo(Duration.ofHours(2));
                    assertThat(Files.size(file)).as("89 pages of 64 KiB").isEqualTo(89L * 65536);

                    // The cookie carries Catalyst's id as it is: no Base64.
                    String sid = CatalystSessions.newSessionId();
                    CookieSerializer cookies = context.getBean(DefaultCookieSerializer.class);
                    MockHttpServletResponse response = new MockHttpServletResponse();
                    cookies.writeCookieValue(new CookieSerializer.CookieValue(new MockHttpServletRequest(), response,
                            sid));
                    String header = response.getHeader("Set-Cookie");
                    assertThat(header).contains("=" + sid + ";");
                    if (SpringBootVersion.getVersion().startsWith("3.")) {
                        // Boot 4 sees the runner's mock servlet context as a war deployment, where the container
                        // names the cookie; with an embedded server it applies server.servlet.session.cookie.*.
                        assertThat(header).startsWith("myapp_session=");
                    }
                    MockHttpServletRequest request = new MockHttpServletRequest();
                    request.setCookies(new jakarta.servlet.http.Cookie(header.substring(0, header.indexOf('=')),
                            sid));
                    assertThat(cookies.readCookieValues(request)).containsExactly(sid);
                });
    }

    @Test
    void cacheSizeAndPageSizeAreCacheFastMmapsWhenSet() {
        Path file = dir.resolve("session_data");
        runner().withPropertyValues("fastmmap.session.file=" + file, "server.servlet.session.cookie.name=a_session",
                "fastmmap.session.cache-size=20MB", "fastmmap.session.page-size=128KB")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // Perl's rule: the first of 89, 179, ... pages whose size exceeds cache_size.
                    assertThat(Files.size(file)).isEqualTo(179L * 131072);
                });
    }

    @Test
    void aMissingFileOrCookieNameOrTheRedisTierStopsTheStartWithTheFix() {
        runner().withPropertyValues("fastmmap.session.file=" + dir.resolve("session_data"),
                "server.servlet.session.cookie.name=a_session", "fastmmap.session.tier=redis").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("cannot be combined"));
        runner().withPropertyValues("server.servlet.session.cookie.name=a_session").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("fastmmap.session.file")
                        .hasMessageContaining("storage"));
        runner().withPropertyValues("fastmmap.session.file=" + dir.resolve("session_data")).run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("server.servlet.session.cookie.name").hasMessageContaining("_session"));
    }

    @Test
    void theDefaultFormatStaysFastMmaps() {
        FastMmapSessionAutoConfigurationTest.runner(dir).withConfiguration(
                AutoConfigurations.of(CatalystSessionAutoConfiguration.class)).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SessionStore.class)
                            .doesNotHaveBean(CatalystSessionRepository.class);
                    assertThat(context.getBean(DefaultCookieSerializer.class).readCookieValues(cookie("YWJj")))
                            .as("Base64 stays on").containsExactly("abc");
                });
    }

    private static MockHttpServletRequest cookie(String value) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setCookies(new jakarta.servlet.http.Cookie("SESSION", value));
        return request;
    }
}
