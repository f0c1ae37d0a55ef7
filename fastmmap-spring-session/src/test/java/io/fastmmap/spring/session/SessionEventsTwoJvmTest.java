package io.fastmmap.spring.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.session.FindByIndexNameSessionRepository;

/**
 * A logout (deleteById) and an expiry swept by this instance reach a session listener of another instance: a real
 * second JVM ({@link EventListenerChild}, a plain Spring context with {@link EnableFastMmapHttpSession} and its
 * event relay), because the events must travel through the file alone, as between two application servers on one
 * host; a second context in this JVM could not tell that apart from something JVM-wide carrying them. Its listener
 * sees SessionDeletedEvent and SessionExpiredEvent, in order, with the sessions' attributes, about a second later.
 */
class SessionEventsTwoJvmTest {
    @TempDir
    Path dir;

    @Test
    void deletedAndExpiredEventsShouldReachAListenerInAnotherJvmInOrder() throws Exception {
        Path file = dir.resolve("events.fmm");
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dfastmmap.test.events.file=" + file, "-cp", System.getProperty("java.class.path"),
                EventListenerChild.class.getName()).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("read failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            List<String> startup = new ArrayList<>();
            String line;
            while ((line = lines.poll(60, TimeUnit.SECONDS)) != null && !line.startsWith("ready")) {
                startup.add(line);
            }
            assertThat(line).as("the child's output: %s", startup).startsWith("ready");
            try (SessionStore store = SessionStore.open(SessionStoreConfig.builder("events").file(file)
                    .cache(c -> c.cacheSize(1 << 20).pageSize(16 << 10)).clock(clock).build())) {
                FastMmapSessionRepository repository = new FastMmapSessionRepository(store);
                String loggedOut = saved(repository, "alice", Duration.ofMinutes(30));
                String expiring = saved(repository, "bob", Duration.ofMinutes(1));
                String invalidated = saved(repository, "carol", Duration.ofMinutes(30));

                repository.deleteById(loggedOut);
                clock.advance(Duration.ofMinutes(2));
                assertThat(repository.cleanUpExpiredSessions()).isEqualTo(1);
                repository.deleteById(invalidated);

                List<String> heard = new ArrayList<>();
                while (heard.size() < 3 && (line = lines.poll(30, TimeUnit.SECONDS)) != null) {
                    heard.add(line);
                }
                assertThat(heard).containsExactly("deleted " + loggedOut + " alice", "expired " + expiring + " bob",
                        "deleted " + invalidated + " carol");
                assertThat(lines.poll(2, TimeUnit.SECONDS)).as("each event once").isNull();
            }
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static String saved(FastMmapSessionRepository repository, String user, Duration maxInactive) {
        FastMmapSessionRepository.FastMmapSession session = repository.createSession();
        session.setMaxInactiveInterval(maxInactive);
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
        repository.save(session);
        return session.getId();
    }
}
