package io.fastmmap.examples.spring;

import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;

/**
 * Profile "map", for the benchmark only: Spring Session's in-memory repository, the baseline fastmmap is compared
 * with. Sessions are per JVM and never purged, so it is no use for the two-instance demo.
 */
@Configuration(proxyBeanMethods = false)
@Profile("map")
@EnableSpringHttpSession
class InMemorySessions {
    @Bean
    MapSessionRepository sessionRepository() {
        return new MapSessionRepository(new ConcurrentHashMap<>());
    }
}
