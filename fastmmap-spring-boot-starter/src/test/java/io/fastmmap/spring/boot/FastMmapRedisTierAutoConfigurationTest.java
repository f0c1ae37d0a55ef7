package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.session.SessionStore;
import io.fastmmap.session.redis.FastMmapRedisSessionRepository;
import io.fastmmap.process.ExternalTool;
import io.fastmmap.session.redis.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * {@code fastmmap.session.tier=redis} as an application gets it: Boot's own Redis and session auto-configurations,
 * {@code spring.data.redis.*} pointing at a real redis-server. Runs against Boot 3.5 here and Boot 4 in
 * fastmmap-spring-boot4-tests, so Boot's classes are looked up by name.
 */
class FastMmapRedisTierAutoConfigurationTest {
    @RegisterExtension
    static final ExternalTool REDIS = ExternalTool.REDIS;

    @TempDir
    Path dir;
    private RedisServer redis;

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
    }

    @AfterEach
    void stopRedis() throws Exception {
        redis.close();
    }

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FastMmapRedisTierAutoConfiguration.class,
                        FastMmapSessionAutoConfiguration.class,
                        FastMmapSessionAutoConfigurationTest.bootSessionAutoConfiguration(),
                        byName("org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
                                "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration")))
                .withPropertyValues("fastmmap.session.tier=redis", "spring.data.redis.host=127.0.0.1",
                        "spring.data.redis.port=" + redis.port(), "fastmmap.session.file=" + dir.resolve("host.fmm"),
                        "fastmmap.session.cache-size=1MB", "fastmmap.session.page-size=16KB",
                        "spring.session.timeout=10m");
    }

    static Class<?> byName(String... names) {
        for (String name : names) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // the other Boot line
            }
        }
        throw new IllegalStateException("none of these on the class path: " + String.join(", ", names));
    }

    @Test
    void tierRedisStoresSessionsInBootsRedisInSpringSessionsLayout() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(FastMmapRedisSessionRepository.class);
            assertThat(context).doesNotHaveBean(SessionStore.class); // the local tier backed off
            assertThat(context.getBean("springSessionRepositoryFilter")).isInstanceOf(SessionRepositoryFilter.class);
            FastMmapRedisSessionRepository repository = context.getBean(FastMmapRedisSessionRepository.class);
            var session = repository.createSession();
            session.setAttribute("count", 1);
            repository.save(session);
            String key = "spring:session:sessions:" + session.getId();
            assertThat(redis.admin().hkeys(key)).contains("creationTime", "lastAccessedTime",
                    "maxInactiveInterval", "sessionAttr:count");
            assertThat(redis.admin().ttl(key)).isBetween(590L, 600L); // spring.session.timeout
            assertThat((Integer) repository.findById(session.getId()).getAttribute("count")).isEqualTo(1);
        });
    }

    @Test
    void tierPropertiesAndNamespaceAreBound() {
        runner().withPropertyValues("spring.session.redis.namespace=shop", "fastmmap.session.redis.touch-interval=0s",
                "fastmmap.session.redis.command-timeout=300ms").run(context -> {
                    assertThat(context).hasNotFailed();
                    FastMmapRedisTierProperties tier = context.getBean(FastMmapRedisTierProperties.class);
                    assertThat(tier.getCommandTimeout()).isEqualTo(Duration.ofMillis(300));
                    FastMmapRedisSessionRepository repository = context.getBean(FastMmapRedisSessionRepository.class);
                    var session = repository.createSession();
                    repository.save(session);
                    assertThat(redis.admin().exists("shop:sessions:" + session.getId())).isEqualTo(1L);
                });
    }

    @Test
    void withoutTheTierPropertySessionsStayLocal() {
        runner().withPropertyValues("fastmmap.session.tier=local").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(FastMmapRedisSessionRepository.class);
            assertThat(context).hasSingleBean(SessionStore.class);
        });
    }

    @Test
    void tierRedisWithoutSpringDataRedisFailsAndSaysWhatToAdd() {
        runner().withClassLoader(new FilteredClassLoader(
                "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("fastmmap.session.tier=redis needs Spring Data Redis and Lettuce")
                            .hasMessageContaining("spring-boot-starter-data-redis");
                });
    }
}
