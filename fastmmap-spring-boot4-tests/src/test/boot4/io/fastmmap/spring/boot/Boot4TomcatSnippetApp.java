package io.fastmmap.spring.boot;

import io.fastmmap.tomcat.FastMmapSessionManager;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/*
 * The file name differs from the class name on purpose: the Boot 3 TomcatSnippetApp.java of the starter's tests is
 * excluded here by name.
 */

/** docs/tomcat.md's snippet on Boot 4 (only the import differs from Boot 3's, in TomcatSnippetApp.java); {@link TomcatContextCustomizerSnippetTest} runs it. */
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
