package io.fastmmap.spring.boot;

import io.fastmmap.micrometer.FastMmapMetrics;
import io.fastmmap.session.DefaultAttributeSerializer;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import io.fastmmap.spring.session.FastMmapHttpSessionConfiguration;
import io.fastmmap.spring.session.FastMmapSessionCleanup;
import io.fastmmap.spring.session.FastMmapSessionRepository;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * Stores HTTP sessions of a servlet Spring Boot application (3.5.x or 4.x) in a fastmmap file. Runs before Boot's
 * own session auto-configurations (named as strings, so the one jar loads on both lines) and backs off when the
 * application defines its own {@link SessionRepository}, or sets {@code fastmmap.session.enabled=false}.
 *
 * <p>The session timeout is Boot's: {@code spring.session.timeout}, else {@code server.servlet.session.timeout}, else
 * 30 minutes. Cookie settings ({@code server.servlet.session.cookie.*}) apply as with any Spring Session store.
 */
@AutoConfiguration(beforeName = {
    "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
    "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
    "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration",
    "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration"})
@ConditionalOnClass({Session.class, FastMmapSessionRepository.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnMissingBean(SessionRepository.class)
@ConditionalOnProperty(prefix = "fastmmap.session", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(FastMmapSessionProperties.class)
@Import(SpringHttpSessionConfiguration.class)
public class FastMmapSessionAutoConfiguration {

    /**
     * @param properties {@code fastmmap.session.*}
     * @param environment for the application name and Boot's session timeout
     * @return the store, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SessionStore fastMmapSessionStore(FastMmapSessionProperties properties, Environment environment) {
        String appName = properties.getAppName() != null ? properties.getAppName()
                : environment.getProperty("spring.application.name", "application");
        Duration timeout = sessionTimeout(environment);
        SessionStoreConfig.Builder b = SessionStoreConfig.builder(appName)
                .cacheSize(properties.getCacheSize().toBytes())
                .pageSize(Math.toIntExact(properties.getPageSize().toBytes()))
                .recreate(properties.isRecreate())
                .deleteOnClose(properties.isDeleteOnClose())
                .decodedCacheSize(properties.getDecodedCacheSize())
                .decodedCacheBytes(properties.getDecodedCacheBytes().toBytes())
                .maxInactiveIntervalLimit(max(properties.getMaxInactiveIntervalLimit(), timeout))
                .defaultMaxInactiveInterval(timeout);
        if (properties.getFile() != null) {
            b.file(properties.getFile());
        }
        List<String> allowed = new ArrayList<>(properties.getSerialization().getJavaAllowedClasses());
        if (properties.getSerialization().isSpringSecurity()) {
            allowed.addAll(Arrays.asList(FastMmapHttpSessionConfiguration.SPRING_SECURITY_CLASSES));
        }
        if (!allowed.isEmpty()) {
            b.serializer(DefaultAttributeSerializer.withJavaSerialization(allowed.toArray(String[]::new)));
        }
        return SessionStore.open(b.build());
    }

    /**
     * @param store the store
     * @param properties {@code fastmmap.session.*}
     * @param environment for Boot's session timeout
     * @param publisher receives session events
     * @param customizers {@code SessionRepositoryCustomizer<FastMmapSessionRepository>} beans, applied in order
     * @return the repository Spring Session's filter uses
     */
    @Bean
    public FastMmapSessionRepository sessionRepository(SessionStore store, FastMmapSessionProperties properties,
            Environment environment, ApplicationEventPublisher publisher,
            ObjectProvider<SessionRepositoryCustomizer<FastMmapSessionRepository>> customizers) {
        FastMmapSessionRepository repository = new FastMmapSessionRepository(store);
        repository.setDefaultMaxInactiveInterval(sessionTimeout(environment));
        repository.setFlushMode(properties.getFlushMode());
        repository.setSaveMode(properties.getSaveMode());
        repository.setApplicationEventPublisher(publisher);
        customizers.orderedStream().forEach(c -> c.customize(repository));
        return repository;
    }

    /**
     * @param repository the repository
     * @param properties for the cron expression
     * @return the cleanup schedule
     */
    @Bean
    public FastMmapSessionCleanup fastMmapSessionCleanup(FastMmapSessionRepository repository,
            FastMmapSessionProperties properties) {
        return new FastMmapSessionCleanup(repository, properties.getCleanupCron());
    }

    /**
     * The session file's meters ({@link FastMmapMetrics}, tag {@code cache=sessions}) when the application has
     * Micrometer: Boot binds every {@code MeterBinder} bean to its registries. The session store does not count hits
     * and misses, so these are the file-wide meters: size, evictions, expirations, lock recoveries, page repairs,
     * space.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class SessionMetricsConfiguration {
        /**
         * @param store the session store
         * @return the binder of its file's meters
         */
        @Bean
        @ConditionalOnMissingBean(name = "fastMmapSessionMetrics")
        FastMmapMetrics fastMmapSessionMetrics(SessionStore store) {
            return new FastMmapMetrics(store.cache(), "sessions", Tags.empty());
        }
    }

    /**
     * Boot's rule on both lines, read from the environment so no version-specific class is needed. Like Boot's own
     * properties, a bare number means seconds.
     */
    static Duration sessionTimeout(Environment environment) {
        for (String key : new String[] {"spring.session.timeout", "server.servlet.session.timeout"}) {
            String value = environment.getProperty(key);
            if (value == null || value.isBlank()) {
                continue;
            }
            if (value.trim().matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(value.trim()));
            }
            return Binder.get(environment).bind(key, Duration.class).get();
        }
        return Duration.ofMinutes(30);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
