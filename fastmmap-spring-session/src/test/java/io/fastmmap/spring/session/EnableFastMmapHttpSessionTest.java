package io.fastmmap.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.util.ReflectionTestUtils;

/** {@link EnableFastMmapHttpSession} in a plain Spring context (no Boot). */
class EnableFastMmapHttpSessionTest {
    @TempDir
    static Path dir;

    @Configuration
    @EnableFastMmapHttpSession(appName = "annotated", cacheSize = 1 << 20,
            pageSize = 16 << 10, maxInactiveIntervalInSeconds = 600, flushMode = FlushMode.IMMEDIATE,
            saveMode = SaveMode.ALWAYS, cleanupCron = "-")
    static class WithOwnStore {
        @Bean
        SessionStore sessionStore() {
            return SessionStore.open(SessionStoreConfig.builder("own").file(dir.resolve("own.fmm"))
                    .cache(c -> c.cacheSize(1 << 20)).build());
        }

        @Bean
        SessionRepositoryCustomizer<FastMmapSessionRepository> customizer() {
            return repo -> repo.setDefaultMaxInactiveInterval(Duration.ofMinutes(7));
        }
    }

    @Test
    void registersFilterAndRepositoryWithTheAnnotationsSettings() {
        try (var context = new AnnotationConfigApplicationContext(WithOwnStore.class)) {
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            assertThat(context.getBean("springSessionRepositoryFilter")).isInstanceOf(SessionRepositoryFilter.class);
            assertThat(repo.getSessionStore()).isSameAs(context.getBean(SessionStore.class));
            assertThat(ReflectionTestUtils.getField(repo, "flushMode")).isEqualTo(FlushMode.IMMEDIATE);
            assertThat(ReflectionTestUtils.getField(repo, "saveMode")).isEqualTo(SaveMode.ALWAYS);
            // the customizer ran after the annotation's 600 s
            var session = repo.createSession();
            assertThat(session.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(7));
            assertThat(repo.findById(session.getId())).isNotNull(); // IMMEDIATE: stored on creation
            assertThat(cronTasks(context)).isEmpty(); // cron "-"
        }
    }

    /** @return the expressions of the cron tasks Spring's scheduling runs in the context */
    private static java.util.List<String> cronTasks(AnnotationConfigApplicationContext context) {
        return context.getBeansOfType(org.springframework.scheduling.config.ScheduledTaskHolder.class).values()
                .stream().flatMap(holder -> holder.getScheduledTasks().stream())
                .map(org.springframework.scheduling.config.ScheduledTask::getTask)
                .filter(org.springframework.scheduling.config.CronTask.class::isInstance)
                .map(task -> ((org.springframework.scheduling.config.CronTask) task).getExpression()).toList();
    }

    @Configuration
    @EnableFastMmapHttpSession(appName = "opened", file = "${fastmmap.test.session-file}", cacheSize = 1 << 20,
            pageSize = 16 << 10)
    static class OpensItsOwnStore {
    }

    @Test
    void opensTheAnnotationsFileAndSchedulesTheCleanupOnSpringsScheduling() {
        Path file = dir.resolve("opened.fmm");
        System.setProperty("fastmmap.test.session-file", file.toString());
        FastMmapSessionRepository repo;
        try (var context = new AnnotationConfigApplicationContext(OpensItsOwnStore.class)) {
            repo = context.getBean(FastMmapSessionRepository.class);
            assertThat(repo.getSessionStore().config().file()).isEqualTo(file);
            assertThat(Files.exists(file)).isTrue();
            assertThat(cronTasks(context)).containsExactly(FastMmapHttpSessionConfiguration.DEFAULT_CLEANUP_CRON);
        } finally {
            System.clearProperty("fastmmap.test.session-file");
        }
        // the repository opened the store, so the context's close closed it
        assertThatThrownBy(() -> repo.findById("00000000-0000-0000-0000-000000000000"))
                .isInstanceOf(io.fastmmap.CacheClosedException.class);
    }

    @Configuration
    @EnableFastMmapHttpSession(appName = "beans", file = "${fastmmap.test.beans-file}", cacheSize = 1 << 20,
            pageSize = 16 << 10, maxInactiveIntervalInSeconds = -1, cleanupCron = "-")
    static class WithOwnBeans {
        @Bean
        org.springframework.session.SessionIdGenerator ids() {
            return () -> "own-" + java.util.UUID.randomUUID();
        }

        @Bean
        org.springframework.session.IndexResolver<org.springframework.session.Session> byUser() {
            return session -> session.getAttribute("user") == null ? java.util.Map.of()
                    : java.util.Map.of(FastMmapSessionRepository.PRINCIPAL_NAME_INDEX_NAME,
                            session.getAttribute("user").toString());
        }

        @Bean
        io.fastmmap.session.AttributeSerializer serializer() {
            return io.fastmmap.session.DefaultAttributeSerializer.withJavaSerialization("com.example.own.*");
        }
    }

    @Test
    void usesTheApplicationsIdGeneratorIndexResolverAndSerializerAndANegativeIntervalStarts() {
        System.setProperty("fastmmap.test.beans-file", dir.resolve("beans.fmm").toString());
        try (var context = new AnnotationConfigApplicationContext(WithOwnBeans.class)) {
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            var session = repo.createSession();
            assertThat(session.getId()).startsWith("own-");
            assertThat(session.isExpired()).isFalse();
            session.setAttribute("user", "ann");
            repo.save(session);
            assertThat(repo.findByPrincipalName("ann")).containsOnlyKeys(session.getId());
            assertThat(repo.getSessionStore().config().serializer()).isSameAs(context.getBean("serializer"));
            assertThat(repo.getSessionStore().config().defaultMaxInactiveInterval()).isEqualTo(Duration.ofHours(24));
        } finally {
            System.clearProperty("fastmmap.test.beans-file");
        }
    }

    @Configuration
    @EnableFastMmapHttpSession(appName = "relay", file = "${fastmmap.test.relay-file}", cacheSize = 1 << 20,
            pageSize = 16 << 10, cleanupCron = "-")
    static class WithOwnTaskScheduler {
        static final BlockingQueue<String> HEARD = new LinkedBlockingQueue<>();

        @Bean
        ThreadPoolTaskScheduler taskScheduler() {
            ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
            scheduler.setThreadNamePrefix("app-scheduler-");
            return scheduler;
        }

        @Bean
        ApplicationListener<SessionDeletedEvent> heard() {
            return event -> HEARD.add(event.getSessionId() + " on " + Thread.currentThread().getName());
        }
    }

    @Test
    void relaysTheOtherInstancesEventsEverySecondOnTheApplicationsTaskScheduler() throws Exception {
        Path file = dir.resolve("relay.fmm");
        System.setProperty("fastmmap.test.relay-file", file.toString());
        try (var context = new AnnotationConfigApplicationContext(WithOwnTaskScheduler.class);
                SessionStore other = SessionStore.open(SessionStoreConfig.builder("relay").file(file)
                        .cache(c -> c.cacheSize(1 << 20).pageSize(16 << 10)).build())) {
            assertThat(context.getBeansOfType(ScheduledTaskHolder.class).values().stream()
                    .flatMap(holder -> holder.getScheduledTasks().stream()).map(ScheduledTask::getTask)
                    .filter(FixedDelayTask.class::isInstance)
                    .map(task -> ((FixedDelayTask) task).getIntervalDuration()).toList())
                    .as("the relay's poll, scheduled by Spring").containsExactly(Duration.ofSeconds(1));
            FastMmapSessionRepository elsewhere = new FastMmapSessionRepository(other);
            var session = elsewhere.createSession();
            elsewhere.save(session);
            elsewhere.deleteById(session.getId());
            assertThat(WithOwnTaskScheduler.HEARD.poll(30, TimeUnit.SECONDS))
                    .matches(session.getId() + " on app-scheduler-\\d+");
        } finally {
            System.clearProperty("fastmmap.test.relay-file");
        }
    }
}
