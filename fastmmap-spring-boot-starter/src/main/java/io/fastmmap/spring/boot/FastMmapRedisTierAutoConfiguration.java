package io.fastmmap.spring.boot;

import io.fastmmap.session.redis.FastMmapRedisSessionRepository;
import io.fastmmap.session.redis.RedisTierConfig;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * {@code fastmmap.session.tier=redis}: sessions in Redis, in Spring Session Data Redis's layout and serialization
 * (plain Spring Session Redis applications share them), with this host's fastmmap file ({@code fastmmap.session.file})
 * as a copy every instance on the host reads first. The connection is Boot's ({@code spring.data.redis.*}, from
 * {@code spring-boot-starter-data-redis}); the serializer is the application's {@code springSessionDefaultRedisSerializer}
 * bean when it has one, as with Spring Session, else JDK serialization.
 */
@AutoConfiguration(before = FastMmapSessionAutoConfiguration.class, beforeName = {
    "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
    "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
    "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration",
    "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration"}, afterName = {
    "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
    "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnClass(Session.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnMissingBean(SessionRepository.class)
@ConditionalOnProperty(prefix = "fastmmap.session", name = "tier", havingValue = "redis")
public class FastMmapRedisTierAutoConfiguration {
    private static final String LETTUCE_FACTORY =
            "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

    /** The tier, when Spring Data Redis and Lettuce are on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {LETTUCE_FACTORY, "io.fastmmap.session.redis.FastMmapRedisSessionRepository"})
    @ConditionalOnProperty(prefix = "fastmmap.session", name = "enabled", havingValue = "true", matchIfMissing = true)
    @EnableConfigurationProperties({FastMmapSessionProperties.class, FastMmapRedisTierProperties.class})
    @Import(SpringHttpSessionConfiguration.class)
    static class RedisTier {
        /**
         * @param properties {@code fastmmap.session.*}: the file and its size
         * @param tier {@code fastmmap.session.redis.*}
         * @param environment the session timeout and namespace, as Boot reads them
         * @param connectionFactory Boot's Redis connection
         * @param serializer the application's {@code springSessionDefaultRedisSerializer}, if any
         * @param customizers applied in order
         * @return the repository Spring Session's filter uses
         */
        @Bean(destroyMethod = "close")
        FastMmapRedisSessionRepository sessionRepository(FastMmapSessionProperties properties,
                FastMmapRedisTierProperties tier, Environment environment,
                ObjectProvider<RedisConnectionFactory> connectionFactory,
                @org.springframework.beans.factory.annotation.Qualifier("springSessionDefaultRedisSerializer")
                ObjectProvider<RedisSerializer<Object>> serializer,
                ObjectProvider<SessionRepositoryCustomizer<FastMmapRedisSessionRepository>> customizers) {
            RedisConnectionFactory factory = connectionFactory.getIfAvailable();
            if (factory == null) {
                throw new IllegalStateException("fastmmap.session.tier=redis needs Boot's Redis connection: add "
                        + "spring-boot-starter-data-redis and set spring.data.redis.host/port (or url)");
            }
            String appName = properties.getAppName() != null ? properties.getAppName()
                    : environment.getProperty("spring.application.name", "application");
            Path file = properties.getFile() != null ? properties.getFile() : defaultFile(appName);
            RedisTierConfig.Builder b = RedisTierConfig.builder(redisUri(factory), file)
                    .namespace(environment.getProperty("spring.session.redis.namespace",
                            RedisTierConfig.DEFAULT_NAMESPACE))
                    .commandTimeout(tier.getCommandTimeout())
                    .heartbeatTimeout(tier.getHeartbeatTimeout())
                    .maxCopyAge(tier.getMaxCopyAge())
                    .touchInterval(tier.getTouchInterval())
                    .defaultMaxInactiveInterval(FastMmapSessionAutoConfiguration.sessionTimeout(environment))
                    .cache(copies -> copies.cacheSize(properties.getCacheSize().toBytes())
                            .pageSize(Math.toIntExact(properties.getPageSize().toBytes())));
            serializer.ifAvailable(b::serializer);
            FastMmapRedisSessionRepository repository = new FastMmapRedisSessionRepository(b.build());
            repository.setFlushMode(properties.getFlushMode());
            repository.setSaveMode(properties.getSaveMode());
            customizers.orderedStream().forEach(c -> c.customize(repository));
            return repository;
        }

        /** Beside the local tier's default file, under another name: the two files have different contents. */
        private static Path defaultFile(String appName) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".cache");
            return base.resolve("fastmmap").resolve(appName + ".redis-sessions");
        }

        static RedisURI redisUri(RedisConnectionFactory factory) {
            if (!(factory instanceof LettuceConnectionFactory lettuce)) {
                throw new IllegalStateException("fastmmap.session.tier=redis needs Lettuce (Boot's default Redis "
                        + "client), found " + factory.getClass().getName() + "; remove the Jedis dependency");
            }
            if (lettuce.getSentinelConfiguration() != null || lettuce.getClusterConfiguration() != null) {
                throw new IllegalStateException("fastmmap.session.tier=redis supports a standalone Redis for now "
                        + "(spring.data.redis.host/port or url); Sentinel and Cluster are not supported yet");
            }
            RedisStandaloneConfiguration c = lettuce.getStandaloneConfiguration();
            RedisURI.Builder uri = RedisURI.builder().withHost(c.getHostName()).withPort(c.getPort())
                    .withDatabase(c.getDatabase()).withSsl(lettuce.getClientConfiguration().isUseSsl());
            RedisPassword password = c.getPassword();
            if (password.isPresent()) {
                if (c.getUsername() != null) {
                    uri.withAuthentication(c.getUsername(), password.get());
                } else {
                    uri.withPassword(password.get());
                }
            }
            return uri.build();
        }
    }

    /** {@code tier=redis} without Spring Data Redis: say what to add instead of silently keeping sessions local. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(LETTUCE_FACTORY)
    static class RedisTierWithoutRedis {
        @Bean
        SessionRepository<Session> sessionRepository() {
            throw new IllegalStateException("fastmmap.session.tier=redis needs Spring Data Redis and Lettuce: add "
                    + "the dependency org.springframework.boot:spring-boot-starter-data-redis");
        }
    }
}
