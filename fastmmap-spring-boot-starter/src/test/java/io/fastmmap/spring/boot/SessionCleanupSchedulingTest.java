package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.spring.session.FastMmapSessionRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * The expired-session cleanup runs on Spring's scheduling (a cron task of the context's scheduler, not a thread of
 * its own), with the starter's {@code fastmmap.session.cleanup-cron}; "-" schedules nothing. The same source runs on
 * Boot 3.5 (this module) and Boot 4 (fastmmap-spring-boot4-tests).
 */
class SessionCleanupSchedulingTest {
    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    static class ExpiryListener {
        final Set<String> expired = ConcurrentHashMap.newKeySet();

        @Bean
        ApplicationListener<SessionExpiredEvent> expiredSessions() {
            return event -> expired.add(event.getSessionId());
        }
    }

    private static List<CronTask> cronTasks(org.springframework.context.ApplicationContext context) {
        return context.getBeansOfType(ScheduledTaskHolder.class).values().stream()
                .flatMap(holder -> holder.getScheduledTasks().stream()).map(ScheduledTask::getTask)
                .filter(CronTask.class::isInstance).map(CronTask.class::cast).toList();
    }

    @Test
    void theCleanupRunsOnSpringsSchedulerAndPublishesTheExpiry() {
        FastMmapSessionAutoConfigurationTest.runner(dir).withUserConfiguration(ExpiryListener.class)
                .withPropertyValues("fastmmap.session.cleanup-cron=* * * * * *").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(cronTasks(context)).extracting(CronTask::getExpression).containsExactly("* * * * * *");

                    FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
                    var session = repo.createSession();
                    session.setMaxInactiveInterval(Duration.ofSeconds(1));
                    repo.save(session);
                    Set<String> expired = context.getBean(ExpiryListener.class).expired;
                    // The cron fires every second; nothing else in the context removes expired sessions.
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (!expired.contains(session.getId()) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(expired).containsExactly(session.getId());
                    assertThat(repo.findById(session.getId())).isNull();
                });
        System.out.println("session cleanup scheduled by Spring on Spring Boot " + SpringBootVersion.getVersion());
    }

    @Test
    void aDashSchedulesNothing() {
        FastMmapSessionAutoConfigurationTest.runner(dir).withPropertyValues("fastmmap.session.cleanup-cron=-")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(cronTasks(context)).isEmpty();
                });
    }

    @Test
    void aBadCronExpressionNamesItselfAndTheFix() {
        FastMmapSessionAutoConfigurationTest.runner(dir).withPropertyValues("fastmmap.session.cleanup-cron=every hour")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("session cleanup cron \"every hour\" is not a cron expression")
                        .hasStackTraceContaining("\"-\" to turn the cleanup off"));
    }
}
