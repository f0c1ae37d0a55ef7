package io.fastmmap.spring.boot;

import io.fastmmap.micrometer.FastMmapMetrics;
import io.fastmmap.session.AttributeSerializer;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import io.fastmmap.spring.session.FastMmapHttpSessionConfiguration;
import io.fastmmap.spring.session.FastMmapSessionCleanup;
import io.fastmmap.spring.session.FastMmapSessionEventRelay;
import io.fastmmap.spring.session.FastMmapSessionRepository;
import io.fastmmap.spring.session.SpringSessionClasses;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.session.IndexResolver;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * Stores HTTP sessions of a servlet Spring Boot application (3.5.x or 4.x) in a fastmmap file. Runs before Boot's
 * own session auto-configurations (named as strings, so the one jar loads on both lines) and backs off when the
 * application defines its own {@link SessionRepository}, or sets {@code fastmmap.session.enabled=false}.
 *
 * <p>The session timeout is Boot's: {@code spring.session.timeout}, else {@code server.servlet.session.timeout}, else
 * 30 minutes; a negative one ("never expires") keeps idle sessions for {@code max-inactive-interval-limit}. Cookie
 * settings ({@code server.servlet.session.cookie.*}) apply as with any Spring Session store.
 *
 * <p>The file is named after {@code fastmmap.session.app-name}, else {@code spring.application.name}, else the
 * application's main ({@code @SpringBootApplication}) class, so two unrelated applications never share a file.
 * Attribute values are stored by the application's {@link AttributeSerializer} bean if it defines one, else as JSON
 * and Java serialization allowing the JDK value types, Spring Security's and Spring MVC's session classes when they
 * are on the class path ({@link SpringSessionClasses}), and {@code fastmmap.session.serialization
 * .java-allowed-classes}. {@link SessionIdGenerator} and {@code IndexResolver<Session>} beans are used by the
 * repository.
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
@EnableScheduling // cleanup and event relay: SchedulingConfigurers on Boot's TaskScheduler, as Spring Session JDBC's
public class FastMmapSessionAutoConfiguration {
    private static final System.Logger LOG = System.getLogger(FastMmapSessionAutoConfiguration.class.getName());

    /**
     * @param properties {@code fastmmap.session.*}
     * @param environment for the application name and Boot's session timeout
     * @param serializers the application's {@link AttributeSerializer} bean, if any; else the default serializer
     *     with the allow-list of {@link SpringSessionClasses} and {@code fastmmap.session.serialization.*}
     * @param beans to find the main class, which names the file when no application name is set
     * @return the store, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SessionStore fastMmapSessionStore(FastMmapSessionProperties properties, Environment environment,
            ObjectProvider<AttributeSerializer> serializers, ListableBeanFactory beans) {
        Duration timeout = sessionTimeout(environment);
        Duration limit = properties.getMaxInactiveIntervalLimit();
        SessionStoreConfig.Builder b = SessionStoreConfig.builder(AppNames.of(properties, environment, beans))
                .cache(file -> file.cacheSize(properties.getCacheSize().toBytes())
                        .pageSize(Math.toIntExact(properties.getPageSize().toBytes()))
                        .recreate(properties.isRecreate())
                        .deleteOnClose(properties.isDeleteOnClose()))
                .decodedCacheSize(properties.getDecodedCacheSize())
                .decodedCacheBytes(properties.getDecodedCacheBytes().toBytes())
                .maxInactiveIntervalLimit(max(limit, timeout))
                .defaultMaxInactiveInterval(timeout.isNegative()
                        ? FastMmapHttpSessionConfiguration.neverExpiring(timeout, limit) : timeout);
        if (properties.getFile() != null) {
            b.file(properties.getFile());
        }
        FastMmapSessionProperties.Serialization serialization = properties.getSerialization();
        b.serializer(serializers.getIfAvailable(() -> SpringSessionClasses.serializer(null,
                serialization.getSpringSecurity(), serialization.getJavaAllowedClasses())));
        SessionStore store = SessionStore.open(b.build());
        LOG.log(System.Logger.Level.INFO, "HTTP sessions in " + store.config().file() + " (" + store.config()
                .serializer() + ")");
        return store;
    }

    /**
     * @param store the store
     * @param properties {@code fastmmap.session.*}
     * @param environment for Boot's session timeout
     * @param publisher receives session events
     * @param idGenerators the application's {@link SessionIdGenerator} bean, if any
     * @param indexResolvers the application's {@code IndexResolver<Session>} bean, if any
     * @param customizers {@code SessionRepositoryCustomizer<FastMmapSessionRepository>} beans, applied in order
     * @return the repository Spring Session's filter uses
     */
    @Bean
    public FastMmapSessionRepository sessionRepository(SessionStore store, FastMmapSessionProperties properties,
            Environment environment, ApplicationEventPublisher publisher,
            ObjectProvider<SessionIdGenerator> idGenerators, ObjectProvider<IndexResolver<Session>> indexResolvers,
            ObjectProvider<SessionRepositoryCustomizer<FastMmapSessionRepository>> customizers) {
        FastMmapSessionRepository repository = new FastMmapSessionRepository(store);
        repository.setDefaultMaxInactiveInterval(sessionTimeout(environment));
        repository.setFlushMode(properties.getFlushMode());
        repository.setSaveMode(properties.getSaveMode());
        repository.setApplicationEventPublisher(publisher);
        idGenerators.ifAvailable(repository::setSessionIdGenerator);
        indexResolvers.ifAvailable(repository::setIndexResolver);
        customizers.orderedStream().forEach(c -> c.customize(repository));
        return repository;
    }

    /**
     * @param repository the repository
     * @param properties for the cron expression
     * @return the cleanup, scheduled by Spring's scheduling
     */
    @Bean
    public FastMmapSessionCleanup fastMmapSessionCleanup(FastMmapSessionRepository repository,
            FastMmapSessionProperties properties) {
        return new FastMmapSessionCleanup(repository, properties.getCleanupCron());
    }

    /**
     * @param repository publishes the other instances' deleted and expired events in this one
     * @return the relay, polling the file's event log every second
     */
    @Bean
    @ConditionalOnMissingBean
    public FastMmapSessionEventRelay fastMmapSessionEventRelay(FastMmapSessionRepository repository) {
        return new FastMmapSessionEventRelay(repository, FastMmapSessionEventRelay.DEFAULT_POLL_INTERVAL);
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

        /**
         * @param store the session store
         * @return the binder of its session meters (live, created, deleted, expired, evicted by class)
         */
        @Bean
        @ConditionalOnMissingBean(name = "fastMmapSessionMeters")
        FastMmapSessionMeters fastMmapSessionMeters(SessionStore store) {
            return new FastMmapSessionMeters(store);
        }
    }

    /**
     * The {@code fastmmap} health indicator on Boot 3.5 (bean name minus "HealthIndicator" = the contributor's
     * name); {@code management.health.fastmmap.enabled=false} turns it off, {@code pages-per-check} sets its cost.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FastMmapHealthProperties.class)
    @ConditionalOnClass(name = {"org.springframework.boot.actuate.health.AbstractHealthIndicator",
        "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
    static class Boot3HealthConfiguration {
        @Bean
        @org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator("fastmmap")
        @ConditionalOnMissingBean(name = "fastmmapHealthIndicator")
        FastMmapHealthIndicator fastmmapHealthIndicator(SessionStore store, FastMmapHealthProperties health) {
            return new FastMmapHealthIndicator(store.cache(), health.getPagesPerCheck());
        }
    }

    /** The same on Boot 4, whose health classes moved to org.springframework.boot.health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.health.contributor.AbstractHealthIndicator",
        "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
    @ConditionalOnMissingClass("org.springframework.boot.actuate.health.AbstractHealthIndicator")
    @EnableConfigurationProperties(FastMmapHealthProperties.class)
    static class Boot4HealthConfiguration {
        @Bean
        @org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator("fastmmap")
        @ConditionalOnMissingBean(name = "fastmmapHealthIndicator")
        FastMmapBoot4HealthIndicator fastmmapHealthIndicator(SessionStore store, FastMmapHealthProperties health) {
            return new FastMmapBoot4HealthIndicator(store.cache(), health.getPagesPerCheck());
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
