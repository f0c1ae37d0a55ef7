package io.fastmmap.spring.boot;

import io.fastmmap.tomcat.FastMmapSessionManager;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.embedded.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** docs/tomcat.md's snippet on Boot 3; {@link TomcatContextCustomizerSnippetTest} runs it. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(TomcatContextCustomizerSnippetTest.Visits.class)
class TomcatSnippetApp {
    // ---- as in docs/tomcat.md ----
    @Bean
    TomcatContextCustomizer fastmmapSessions() {
        return context -> {
            FastMmapSessionManager sessions = new FastMmapSessionManager();
            sessions.setFile(TomcatContextCustomizerSnippetTest.sessionFile);
            context.setManager(sessions);
        };
    }
    // ----
}
