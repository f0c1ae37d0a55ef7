package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpSession;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Boot application with Actuator, as a user sets it up from docs/operations.md, over real HTTP: the
 * {@code fastmmap} health contributor with its details, {@code /actuator/sessions} finding and deleting a user's
 * session in the fastmmap file, and the session file's meters bound by Boot's own MeterRegistry
 * ({@code /actuator/metrics/cache.size}, {@code sessions.live}). Runs on Boot 3.5 here and Boot 4 in
 * fastmmap-spring-boot4-tests.
 */
class ActuatorOverHttpTest {
    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(LoginController.class)
    static class App {
    }

    @RestController
    static class LoginController {
        @GetMapping("/login-as")
        String loginAs(@RequestParam("user") String user, HttpSession session) {
            session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
            return session.getId();
        }
    }

    @Test
    void healthSessionsAndMetricsEndpointsWorkWithTheFastmmapStore() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).properties(
                "server.port=0", "fastmmap.session.file=" + dir.resolve("http.sessions"),
                "fastmmap.session.cache-size=1MB", "fastmmap.session.page-size=16KB",
                "management.endpoints.web.exposure.include=health,sessions,metrics",
                "management.endpoint.health.show-details=always",
                // spring-boot-starter-data-redis is on this test class path for another test; no Redis runs here
                "management.health.redis.enabled=false").run()) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpClient admin = HttpClient.newHttpClient();

            String sessionId = get(browser, base + "/login-as?user=alice").body();
            assertThat(sessionId).isNotBlank();

            HttpResponse<String> health = get(admin, base + "/actuator/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            // Boot 3.5 writes the status before the details, Boot 4 after them
            assertThat(health.body()).containsPattern("\"fastmmap\":\\{(\"status\":\"UP\"|\"details\":\\{[^{}]*\\},"
                    + "\"status\":\"UP\")").contains("\"file\":\"" + dir.resolve("http.sessions"), "\"entries\":");

            HttpResponse<String> sessions = get(admin, base + "/actuator/sessions?username=alice");
            assertThat(sessions.statusCode()).isEqualTo(200);
            assertThat(sessions.body()).contains("\"id\":\"" + sessionId + "\"");

            HttpResponse<String> size = get(admin, base + "/actuator/metrics/cache.size?tag=cache:sessions");
            assertThat(size.statusCode()).as(size.body()).isEqualTo(200);
            assertThat(size.body()).contains("\"name\":\"cache.size\"");
            HttpResponse<String> live = get(admin, base + "/actuator/metrics/sessions.live");
            assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
            assertThat(live.body()).contains("\"value\":1.0");

            HttpResponse<String> deleted = admin.send(HttpRequest.newBuilder(URI.create(base
                    + "/actuator/sessions/" + sessionId)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(204);
            assertThat(get(admin, base + "/actuator/sessions?username=alice").body())
                    .doesNotContain(sessionId);
            assertThat(get(admin, base + "/actuator/metrics/sessions.deleted").body()).contains("\"value\":1.0");
        }
        System.out.println("Actuator over HTTP checked on Spring Boot " + SpringBootVersion.getVersion());
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
