package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.spring.session.FastMmapSessionRepository;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The {@code fastmmap} health indicator: UP with the file's figures, DOWN for a really damaged file. Runs on Boot 3.5
 * here and on Boot 4 in fastmmap-spring-boot4-tests (whose health API moved): the indicator is used through the
 * methods both lines' {@code Health} have, by reflection, so this one source compiles on both.
 */
class FastMmapHealthTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return FastMmapSessionAutoConfigurationTest.runner(dir);
    }

    record Seen(String status, Map<String, Object> details) {
    }

    @SuppressWarnings("unchecked")
    static Seen health(Object indicator) throws Exception {
        Object health = indicator.getClass().getMethod("health").invoke(indicator);
        Object status = health.getClass().getMethod("getStatus").invoke(health);
        String code = (String) status.getClass().getMethod("getCode").invoke(status);
        return new Seen(code, (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health));
    }

    @Test
    void upWithTheFilesFiguresThenDownOnceTheFileIsDamaged() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            Object indicator = context.getBean("fastmmapHealthIndicator");
            String expected = SpringBootVersion.getVersion().startsWith("3.") ? "FastMmapHealthIndicator"
                    : "FastMmapBoot4HealthIndicator";
            assertThat(indicator.getClass().getSimpleName()).isEqualTo(expected);
            FastMmapSessionRepository repo = context.getBean(FastMmapSessionRepository.class);
            for (int i = 0; i < 3; i++) {
                var session = repo.createSession();
                session.setAttribute("n", i);
                repo.save(session);
            }
            Seen up = health(indicator);
            assertThat(up.status()).isEqualTo("UP");
            Path file = dir.resolve("app.sessions");
            assertThat(up.details()).containsEntry("file", file.toString()).containsEntry("entries", 3L)
                    .containsEntry("pageSizeBytes", 16384).containsEntry("pagesChecked", 16)
                    .containsKeys("pageCount", "cacheSizeBytes", "usedBytes", "freeBytes");
            assertThat((Long) up.details().get("usedBytes")).isPositive();

            // Garbage over a quarter of the file's pages, written as another program would (pwrite, not the
            // mapping): the next checks walk the pages 16 at a time and must come upon it.
            long size = java.nio.file.Files.size(file);
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                byte[] garbage = new byte[(int) (size / 4)];
                Arrays.fill(garbage, (byte) 0x55);
                raw.seek(size / 2);
                raw.write(garbage);
            }
            Seen down = null;
            for (int call = 0; call < 8 && down == null; call++) {
                Seen seen = health(indicator);
                down = seen.status().equals("DOWN") ? seen : null;
            }
            assertThat(down).as("a check within two rounds of the file finds the damage").isNotNull();
            assertThat(down.details()).containsKeys("findings", "action");
            assertThat(down.details().get("action").toString()).contains("fastmmap verify " + file);
        });
        System.out.println("fastmmap health checked on Spring Boot " + SpringBootVersion.getVersion());
    }

    @Test
    void downWhenTheFileCannotBeRead() {
        runner().run(context -> {
            Object indicator = context.getBean("fastmmapHealthIndicator");
            java.nio.file.Files.delete(dir.resolve("app.sessions"));
            Seen seen = health(indicator);
            assertThat(seen.status()).isEqualTo("DOWN");
            assertThat(seen.details().toString()).contains("app.sessions");
        });
    }

    @Test
    void offWithManagementHealthFastmmapEnabledFalseAndWithoutActuator() {
        runner().withPropertyValues("management.health.fastmmap.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("fastmmapHealthIndicator");
        });
        runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.",
                "org.springframework.boot.health.")).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean("fastmmapHealthIndicator");
                });
    }

    @Test
    void pagesPerCheckIsAProperty() {
        runner().withPropertyValues("management.health.fastmmap.pages-per-check=5").run(context -> {
            assertThat(health(context.getBean("fastmmapHealthIndicator")).details()).containsEntry("pagesChecked", 5);
        });
        runner().withPropertyValues("management.health.fastmmap.pages-per-check=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "management.health.fastmmap.pages-per-check=0 is outside 1..4096");
        });
    }
}
