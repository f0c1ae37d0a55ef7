package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.micrometer.FastMmapMetrics;
import io.fastmmap.spring.session.FastMmapSessionRepository;
import io.fastmmap.session.SessionStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The session file's meters: a {@link MeterBinder} bean when Micrometer is on the class path (Boot binds every such
 * bean to its registries), none without it. Runs on Boot 3.5 here and on Boot 4 in fastmmap-spring-boot4-tests.
 */
class FastMmapSessionMetricsTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return FastMmapSessionAutoConfigurationTest.runner(dir);
    }

    @Test
    void aMeterBinderForTheSessionFileIsABeanWhenMicrometerIsThere() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(MeterBinder.class)).containsOnlyKeys("fastMmapSessionMetrics",
                    "fastMmapSessionMeters");
            MeterBinder binder = context.getBean("fastMmapSessionMetrics", MeterBinder.class);
            assertThat(binder).isInstanceOf(FastMmapMetrics.class);
            MeterRegistry registry = new SimpleMeterRegistry();
            binder.bindTo(registry);
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            for (int i = 0; i < 3; i++) {
                var session = repo.createSession();
                session.setAttribute("n", i);
                repo.save(session);
            }
            assertThat(registry.get("cache.size").tag("cache", "sessions").gauge().value())
                    .as("one entry per session").isEqualTo(3);
            assertThat(registry.get("cache.data.used").gauge().value()).isPositive();
            assertThat(registry.get("cache.evictions").functionCounter().count()).isZero();
            assertThat(registry.find("cache.gets").meters()).as("the session store counts no hits").isEmpty();
        });
        System.out.println("session meters checked on Spring Boot " + SpringBootVersion.getVersion());
    }

    @Test
    void sessionMetersFollowKnownOperations() {
        runner().run(context -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("fastMmapSessionMeters", MeterBinder.class).bindTo(registry);
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                var session = repo.createSession();
                session.setAttribute("n", i);
                repo.save(session);
                ids.add(session.getId());
            }
            var again = repo.findById(ids.get(0));
            again.setAttribute("n", 10);
            repo.save(again); // an update, not a creation
            repo.deleteById(ids.get(1));
            assertThat(registry.get("sessions.live").tag("cache", "sessions").gauge().value()).isEqualTo(3);
            assertThat(registry.get("sessions.created").functionCounter().count()).isEqualTo(4);
            assertThat(registry.get("sessions.deleted").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("sessions.expired").functionCounter().count()).isZero();
            assertThat(registry.get("sessions.evicted").tag("class", "logged_in").functionCounter().count()).isZero();
            assertThat(registry.get("sessions.evicted").tag("class", "anonymous").functionCounter().count()).isZero();
        });
    }

    @Test
    void theLiveCountIsReusedForAFewSecondsThenCountedAgain() {
        runner().run(context -> {
            AtomicLong nanos = new AtomicLong();
            MeterRegistry registry = new SimpleMeterRegistry();
            new FastMmapSessionMeters(context.getBean(SessionStore.class), nanos::get).bindTo(registry);
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            repo.save(repo.createSession());
            Gauge live = registry.get("sessions.live").gauge();
            assertThat(live.value()).isEqualTo(1);

            repo.save(repo.createSession());
            nanos.addAndGet(FastMmapSessionMeters.LIVE_COUNT_REUSE.toNanos() - 1);
            assertThat(live.value()).as("within the reuse time: the last count").isEqualTo(1);
            nanos.addAndGet(1);
            assertThat(live.value()).as("then counted again").isEqualTo(2);
            assertThat(live.getId().getDescription()).contains("at most once every 5 s");
        });
    }

    @Test
    void noBinderWithoutMicrometer() {
        runner().withClassLoader(new FilteredClassLoader("io.micrometer.")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(FastMmapSessionRepository.class);
            assertThat(context).doesNotHaveBean("fastMmapSessionMetrics");
            assertThat(context).doesNotHaveBean("fastMmapSessionMeters");
        });
    }
}
