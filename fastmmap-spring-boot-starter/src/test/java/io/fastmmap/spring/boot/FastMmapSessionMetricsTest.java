package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.micrometer.FastMmapMetrics;
import io.fastmmap.spring.session.FastMmapSessionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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
            assertThat(context).hasSingleBean(MeterBinder.class);
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
    void noBinderWithoutMicrometer() {
        runner().withClassLoader(new FilteredClassLoader("io.micrometer.")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(FastMmapSessionRepository.class);
            assertThat(context).doesNotHaveBean("fastMmapSessionMetrics");
        });
    }
}
