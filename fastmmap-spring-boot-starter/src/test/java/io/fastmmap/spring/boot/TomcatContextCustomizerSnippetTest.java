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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * docs/tomcat.md's snippet for Spring Boot on Tomcat without Spring Session, as written there (only the file's path
 * differs; the snippet itself is {@link TomcatSnippetApp}, one per Boot generation since the customizer's package
 * moved in Boot 4): two instances of one application on one session file serve one visitor's session alternately,
 * over real HTTP.
 */
class TomcatContextCustomizerSnippetTest {
    /** The snippet names a literal path; the test's is set before each application starts. */
    static String sessionFile;

    @TempDir
    Path dir;

    @RestController
    static class Visits {
        @GetMapping("/visits")
        String visits(HttpSession session) {
            Integer seen = (Integer) session.getAttribute("visits");
            int now = seen == null ? 1 : seen + 1;
            session.setAttribute("visits", now);
            return session.getClass().getName() + " " + now;
        }
    }

    @Test
    void twoInstancesShareSessionsThroughTheFileTheSnippetNames() throws Exception {
        sessionFile = dir.resolve("sessions.fmm").toString();
        // This class path has the starter (Spring Session); the snippet is for applications without it.
        String[] properties = {"server.port=0", "fastmmap.session.enabled=false",
                "management.health.redis.enabled=false"};
        try (ConfigurableApplicationContext a = new SpringApplicationBuilder(TomcatSnippetApp.class).properties(properties).run();
                ConfigurableApplicationContext b = new SpringApplicationBuilder(TomcatSnippetApp.class).properties(properties)
                        .run()) {
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String session = "org.apache.catalina.session.StandardSessionFacade ";
            assertThat(get(browser, a, "/visits")).isEqualTo(session + 1);
            assertThat(get(browser, b, "/visits")).isEqualTo(session + 2);
            assertThat(get(browser, a, "/visits")).isEqualTo(session + 3);
            assertThat(Path.of(sessionFile)).exists();
        }
    }

    private static String get(HttpClient client, ConfigurableApplicationContext app, String path) throws Exception {
        String url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path;
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
