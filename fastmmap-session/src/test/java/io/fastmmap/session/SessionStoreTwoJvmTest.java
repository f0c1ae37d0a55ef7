package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs (this one and a child on JDK 17 when available) merge into the same session at the same time, each
 * setting its own attributes: every attribute of both survives, the Java form of the Perl AtomicWrite test with
 * processes instead of contexts.
 */
class SessionStoreTwoJvmTest {
    private static final int COUNT = 2000;

    @TempDir
    Path dir;

    static SessionStoreConfig config(Path file) {
        return SessionStoreConfig.builder("two-jvm").file(file).cache(c -> c.cacheSize(4L << 20).pageSize(256 << 10))
                .build();
    }

    @Test
    void twoProcessesMergeIntoOneSessionWithoutLosingAnAttribute() throws Exception {
        Path file = dir.resolve("shared.fmm");
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(config(file))) {
            store.applyDelta(id, SessionDelta.builder().createdAt(Instant.now()).build());
            Process child = new ProcessBuilder(javaBinary(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    TwoJvmChild.class.getName(), file.toString(), id, "child", String.valueOf(COUNT))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                String ready = out.readLine();
                assertThat(ready).startsWith("ready");
                System.out.println("child JVM on JDK " + ready.substring("ready ".length()) + ", this one on JDK "
                        + Runtime.version().feature());
                for (int i = 0; i < COUNT; i++) {
                    assertThat(store.applyDelta(id, SessionDelta.builder().setAttribute("parent-" + i, i).build()))
                            .isTrue();
                }
                List<String> rest = new ArrayList<>();
                for (String line; (line = out.readLine()) != null; ) {
                    rest.add(line);
                }
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).as("child output %s", rest).isZero();
                assertThat(rest).contains("done");
            } finally {
                child.destroyForcibly();
            }
            SessionData data = store.getSessionData(id);
            for (int i = 0; i < COUNT; i++) {
                assertThat((Integer) data.attribute("parent-" + i)).isEqualTo(i);
                assertThat((Integer) data.attribute("child-" + i)).isEqualTo(i);
            }
            assertThat(data.attributes()).hasSize(2 * COUNT);
        }
    }

    private static String javaBinary() {
        String configured = System.getProperty("fastmmap.test.jdk17.java");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
