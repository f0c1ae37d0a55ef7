package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.session.AttributeSerializer;
import io.fastmmap.session.DefaultAttributeSerializer;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import io.fastmmap.spring.session.FastMmapSessionCleanup;
import io.fastmmap.spring.session.FastMmapSessionEventRelay;
import io.fastmmap.spring.session.FastMmapSessionRepository;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.IndexResolver;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The auto-configuration with {@link WebApplicationContextRunner}, together with Boot's own session
 * auto-configuration. The same source runs against Boot 3.5 (this module) and Boot 4 (fastmmap-spring-boot4-tests),
 * so Boot's class is looked up by its name on either line.
 */
class FastMmapSessionAutoConfigurationTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return runner(dir);
    }

    /** The starter and Boot's session auto-configuration, with a small session file in {@code dir}. */
    static WebApplicationContextRunner runner(Path dir) {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FastMmapSessionAutoConfiguration.class,
                        bootSessionAutoConfiguration()))
                .withPropertyValues("fastmmap.session.file=" + dir.resolve("app.sessions"),
                        "fastmmap.session.cache-size=1MB", "fastmmap.session.page-size=16KB");
    }

    /** Boot 3.5: in spring-boot-autoconfigure; Boot 4: in the spring-boot-session module. */
    static Class<?> bootSessionAutoConfiguration() {
        for (String name : new String[] {"org.springframework.boot.session.autoconfigure.SessionAutoConfiguration",
            "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration"}) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // the other line
            }
        }
        throw new IllegalStateException("no Spring Boot SessionAutoConfiguration on the class path");
    }

    @Test
    void theDecodedSessionCacheIsSizedByProperties() {
        runner().withPropertyValues("fastmmap.session.decoded-cache-size=7", "fastmmap.session.decoded-cache-bytes=2MB")
                .run(context -> {
                    SessionStore store = context.getBean(SessionStore.class);
                    assertThat(store.config().decodedCacheSize()).isEqualTo(7);
                    assertThat(store.config().decodedCacheBytes()).isEqualTo(2L << 20);
                });
    }

    @Test
    void storesSessionsInTheConfiguredFile() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(FastMmapSessionRepository.class);
            assertThat(context).hasSingleBean(FastMmapSessionCleanup.class);
            assertThat(context).hasSingleBean(FastMmapSessionEventRelay.class);
            assertThat(context.getBean("springSessionRepositoryFilter")).isInstanceOf(SessionRepositoryFilter.class);
            SessionStore store = context.getBean(SessionStore.class);
            assertThat(store.config().file()).isEqualTo(dir.resolve("app.sessions"));
            assertThat(store.fileInfo().cacheSizeBytes()).isEqualTo(1L << 20);
            assertThat(store.fileInfo().pageSizeBytes()).isEqualTo(16 << 10);
            assertThat(Files.exists(dir.resolve("app.sessions"))).isTrue();
            assertThat(store.config().decodedCacheSize()).isEqualTo(SessionStoreConfig.DEFAULT_DECODED_CACHE_SIZE);
            assertThat(store.config().decodedCacheBytes()).isEqualTo(SessionStoreConfig.DEFAULT_DECODED_CACHE_BYTES);

            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            var session = repo.createSession();
            session.setAttribute("visits", 1);
            repo.save(session);
            assertThat((Integer) repo.findById(session.getId()).getAttribute("visits")).isEqualTo(1);
            assertThat(session.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(30));
        });
        System.out.println("auto-configuration checked on Spring Boot " + SpringBootVersion.getVersion());
    }

    @Test
    void mapsPropertiesAndBootsTimeout() {
        runner().withPropertyValues("fastmmap.session.flush-mode=immediate", "fastmmap.session.save-mode=always",
                "fastmmap.session.cleanup-cron=-", "fastmmap.session.serialization.spring-security=true",
                "fastmmap.session.serialization.java-allowed-classes=com.example.*",
                "server.servlet.session.timeout=45m", "fastmmap.session.app-name=shop").run(context -> {
                    FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
                    assertThat(ReflectionTestUtils.getField(repo, "flushMode")).isEqualTo(FlushMode.IMMEDIATE);
                    assertThat(ReflectionTestUtils.getField(repo, "saveMode")).isEqualTo(SaveMode.ALWAYS);
                    assertThat(repo.createSession().getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(45));
                    SessionStore store = context.getBean(SessionStore.class);
                    assertThat(store.config().appName()).isEqualTo("shop");
                    assertThat(store.config().serializer().toString()).contains("org.springframework.security.**")
                            .contains("com.example.*");
                    assertThat(((DefaultAttributeSerializer) store.config().serializer()).javaSerializationEnabled())
                            .isTrue();
                    assertThat(context.getBean(FastMmapSessionCleanup.class).cron()).isEqualTo("-");
                });
        runner().withPropertyValues("spring.session.timeout=5m", "server.servlet.session.timeout=45m")
                .run(context -> assertThat(context.getBean(FastMmapSessionRepository.class).createSession()
                        .getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(5)));
        runner().withPropertyValues("server.servlet.session.timeout=600") // a bare number is seconds, as in Boot
                .run(context -> assertThat(context.getBean(FastMmapSessionRepository.class).createSession()
                        .getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(10)));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRepository {
        @Bean
        MapSessionRepository sessionRepository() {
            return new MapSessionRepository(new ConcurrentHashMap<>());
        }
    }

    @Test
    void backsOffWhenTheApplicationHasItsOwnRepository() {
        runner().withUserConfiguration(OwnRepository.class).run(context -> {
            assertThat(context).doesNotHaveBean(FastMmapSessionRepository.class);
            assertThat(context).doesNotHaveBean(SessionStore.class);
            assertThat(context.getBean(SessionRepository.class)).isInstanceOf(MapSessionRepository.class);
            assertThat(Files.exists(dir.resolve("app.sessions"))).isFalse();
        });
    }

    @Test
    void switchedOffByPropertyAndAbsentOutsideServletApps() {
        runner().withPropertyValues("fastmmap.session.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(FastMmapSessionRepository.class));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FastMmapSessionAutoConfiguration.class))
                .withPropertyValues("fastmmap.session.file=" + dir.resolve("x.sessions"))
                .run(context -> assertThat(context).doesNotHaveBean(FastMmapSessionRepository.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class Customized {
        @Bean
        SessionRepositoryCustomizer<FastMmapSessionRepository> shorter() {
            return repo -> repo.setDefaultMaxInactiveInterval(Duration.ofMinutes(2));
        }
    }

    @Test
    void appliesRepositoryCustomizers() {
        runner().withUserConfiguration(Customized.class).run(context -> assertThat(context
                .getBean(FastMmapSessionRepository.class).createSession().getMaxInactiveInterval())
                .isEqualTo(Duration.ofMinutes(2)));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean
        SessionIdGenerator ids() {
            return () -> "own-" + java.util.UUID.randomUUID();
        }

        @Bean
        IndexResolver<Session> byUserAttribute() {
            return session -> {
                Object user = session.getAttribute("user");
                return user == null ? Map.of()
                        : Map.of(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user.toString());
            };
        }

        @Bean
        AttributeSerializer ownSerializer() {
            return DefaultAttributeSerializer.withJavaSerialization("com.example.own.*");
        }
    }

    @Test
    void theApplicationsIdGeneratorIndexResolverAndSerializerBeansAreUsed() {
        runner().withUserConfiguration(OwnBeans.class).run(context -> {
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            var session = repo.createSession();
            assertThat(session.getId()).startsWith("own-");
            session.setAttribute("user", "ann");
            repo.save(session);
            assertThat(repo.findByPrincipalName("ann")).containsOnlyKeys(session.getId());
            assertThat(context.getBean(SessionStore.class).config().serializer())
                    .isSameAs(context.getBean("ownSerializer"));
        });
    }

    @Test
    void aNegativeSessionTimeoutMeansSessionsThatDoNotExpireWhileTheFileKeepsThem() {
        runner().withPropertyValues("server.servlet.session.timeout=-1").run(context -> {
            assertThat(context).hasNotFailed();
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            var session = repo.createSession();
            assertThat(session.getMaxInactiveInterval()).isNegative();
            assertThat(session.isExpired()).isFalse();
            session.setAttribute("a", 1);
            repo.save(session);
            var found = repo.findById(session.getId());
            assertThat(found.getMaxInactiveInterval()).isEqualTo(Duration.ofHours(24)); // the limit, as logged
            assertThat(context.getBean(SessionStore.class).config().defaultMaxInactiveInterval())
                    .isEqualTo(Duration.ofHours(24));
        });
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    static class ShopApplication {
    }

    @Test
    void withoutAnApplicationNameTheFileIsNamedAfterTheMainClassOrStartUpSaysWhatToSet() {
        runner().withUserConfiguration(ShopApplication.class).run(context -> assertThat(context
                .getBean(SessionStore.class).config().appName()) // a long name: the simple one and a digest
                .isEqualTo(AppNames.fromClass(ShopApplication.class.getName()))
                .startsWith("FastMmapSessionAutoConfigurationTest-ShopApplication-"));
        assertThat(AppNames.fromClass("com.example.shop.ShopApplication")).isEqualTo("com.example.shop.ShopApplication");
        runner().withPropertyValues("spring.application.name=My Shop").run(context -> assertThat(context
                .getBean(SessionStore.class).config().appName()).isEqualTo("My-Shop"));
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FastMmapSessionAutoConfiguration.class))
                .withSystemProperties("user.home=" + dir) // where a default file would go, were one opened
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("spring.application.name").hasMessageContaining("app-name"));
        assertThat(AppNames.fromClass("com.example.a.very.long.package.name.that.goes.on.and.on.ShopApplication"))
                .startsWith("ShopApplication-").hasSize("ShopApplication-".length() + 8);
        assertThat(AppNames.fromClass("com.a.DemoApplication"))
                .isNotEqualTo(AppNames.fromClass("com.b.DemoApplication"));
    }

    @Test
    void publishesConfigurationMetadata() throws Exception {
        try (InputStream in = FastMmapSessionAutoConfiguration.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"fastmmap.session.file\"").contains("\"fastmmap.session.cache-size\"")
                    .contains("\"fastmmap.session.serialization.spring-security\"")
                    .contains("Total size of the session file")
                    .contains("\"management.health.fastmmap.pages-per-check\"");
        }
    }
}
