package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CacheFileInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 4: changing the cache size of a session file carries the live sessions over at the next start
 * (FastMmap.Builder.migrateEntries), with real separate JVMs as application instances: two instances stopped and
 * started again with a larger cache size, the logged-in session is still there; an instance started with the new
 * size while one of the old size still runs is refused with a message that says what to do.
 */
class SessionResizeTest {
    static final long OLD_SIZE = 4L << 20;
    static final long NEW_SIZE = 16L << 20;

    @TempDir
    Path dir;

    static SessionStoreConfig config(Path file, long cacheSizeBytes) {
        return SessionStoreConfig.builder("resize").file(file)
                .cache(c -> c.cacheSize(cacheSizeBytes).pageSize(256 << 10)).build();
    }

    @Test
    void aLoggedInSessionSurvivesARestartOfBothInstancesWithALargerCacheSize() throws Exception {
        Path file = dir.resolve("sessions.fmm");
        String id = Stores.newId();
        try (Instance other = new Instance(file, OLD_SIZE, id, "login");
                SessionStore store = SessionStore.open(config(file, OLD_SIZE))) {
            assertThat(other.firstLine()).isEqualTo("logged-in");
            assertThat(store.getSessionData(id).principalName()).isEqualTo("alice");
            try (Instance early = new Instance(file, NEW_SIZE, id, "read")) {
                assertThat(early.firstLine()).as("an instance of the new size while the old ones run")
                        .startsWith("refused").contains("stop every process that uses the old geometry");
            }
        }
        assertThat(CacheFileInfo.read(file).cacheSizeBytes()).isEqualTo(OLD_SIZE);

        try (Instance first = new Instance(file, NEW_SIZE, id, "read");
                SessionStore store = SessionStore.open(config(file, NEW_SIZE))) {
            assertThat(first.firstLine()).isEqualTo("session alice 3 books");
            SessionData data = store.getSessionData(id);
            assertThat(data.principalName()).isEqualTo("alice");
            assertThat((String) data.attribute("cart")).isEqualTo("3 books");
            assertThat(store.findByPrincipalName("alice").keySet()).containsExactly(id);
        }
        assertThat(CacheFileInfo.read(file).cacheSizeBytes()).isEqualTo(NEW_SIZE);
    }

    /** An application instance in a JVM of its own (JDK 17 when the build names one). */
    private static final class Instance implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;

        Instance(Path file, long cacheSizeBytes, String id, String action) throws Exception {
            process = new ProcessBuilder(javaBinary(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    ResizeChild.class.getName(), file.toString(), Long.toString(cacheSizeBytes), id, action)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String firstLine() throws Exception {
            return out.readLine();
        }

        @Override
        public void close() throws Exception {
            try (OutputStream in = process.getOutputStream()) {
                in.write('\n');
            } catch (java.io.IOException exited) {
                // it exited already (refused)
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
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
