package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.process.ExternalTool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Catalyst app (Catalyst::Plugin::Session, Store::FastMmap 0.16, State::Cookie; driven by Catalyst::Test) and
 * {@link CatalystSessions} on one session file share a visitor: a count, a list and a non-ASCII string set by one
 * are read and changed by the other, both ways, and a session created by either is taken up by the other.
 */
class CatalystSessionsTest {
    @RegisterExtension
    static final ExternalTool CATALYST = ExternalTool.CATALYST;

    @TempDir
    Path dir;

    /** @return STATUS, COOKIE and BODY of one request to the Catalyst app */
    private static Map<String, String> visit(Path file, String sessionId) {
        List<String> lines = PerlProcess.runScript("catalyst.pl", file.toString(), "/visit",
                sessionId == null ? "" : sessionId);
        Map<String, String> response = new LinkedHashMap<>();
        for (String line : lines) {
            int space = line.indexOf(' ');
            response.put(line.substring(0, space), line.substring(space + 1));
        }
        assertThat(response).containsEntry("STATUS", "200");
        return response;
    }

    @Test
    void javaAndCatalystShareOneVisitorBothWays() {
        Path file = dir.resolve("session_data");
        try (PerlCache cache = PerlCache.builder(file).build()) { // the store's default geometry: 89 × 64 KiB
            CatalystSessions sessions = CatalystSessions.of(cache);

            // Java creates the session; Catalyst takes it up, reads it, and changes it.
            String sid = CatalystSessions.newSessionId();
            assertThat(sid).matches("[0-9a-f]{40}");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("count", 1);
            data.put("list", new ArrayList<>(List.of("java-1")));
            data.put("name", "møøse from Java ✓");
            sessions.save(sid, data);
            Map<String, String> first = visit(file, sid);
            assertThat(first.get("BODY")).isEqualTo("{\"count\":1,\"id\":\"" + sid + "\",\"list\":[\"java-1\"],"
                    + "\"name\":\"møøse from Java ✓\"}");
            Map<String, Object> afterPerl = sessions.load(sid);
            assertThat(afterPerl).containsEntry("count", 2L).containsEntry("name", "møøse from Perl ✓")
                    .containsEntry("list", List.of("java-1", "perl-2")).containsKeys("__created", "__updated");

            // Java changes it again (atomically); Catalyst sees the change.
            sessions.update(sid, session -> {
                session.put("count", (Long) session.get("count") + 1);
                @SuppressWarnings("unchecked")
                List<Object> list = new ArrayList<>((List<Object>) session.get("list"));
                list.add("java-3");
                session.put("list", list);
                session.put("name", "ключ from Java");
                return session;
            });
            assertThat(visit(file, sid).get("BODY")).contains("\"count\":3", "\"java-3\"", "ключ from Java");

            // Catalyst creates a session; Java takes it up.
            Map<String, String> fresh = visit(file, null);
            String perlSid = fresh.get("COOKIE");
            assertThat(CatalystSessions.isValidSessionId(perlSid)).isTrue();
            assertThat(perlSid).isNotEqualTo(sid);
            assertThat(sessions.load(perlSid)).containsEntry("count", 1L).containsEntry("list", List.of("perl-1"));

            // Deleted by Java: Catalyst starts afresh under a new id.
            sessions.delete(sid);
            assertThat(sessions.load(sid)).isNull();
            Map<String, String> afterDelete = visit(file, sid);
            assertThat(afterDelete.get("BODY")).contains("\"count\":null");
            assertThat(afterDelete.get("COOKIE")).isNotEqualTo(sid);
        }
    }

    @Test
    void catalystsOwnStoreConformanceSuitePassesWhileJavaUsesTheFile() throws Exception {
        Path file = dir.resolve("session_data");
        try (PerlCache cache = PerlCache.builder(file).build()) {
            CatalystSessions sessions = CatalystSessions.of(cache);
            String counter = CatalystSessions.newSessionId();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Long> java = CompletableFuture.supplyAsync(() -> {
                long updates = 0;
                while (!stop.get()) {
                    sessions.update(counter, session -> {
                        session.merge("count", 1L, (a, b) -> (Long) a + (Long) b);
                        return session;
                    });
                    String other = CatalystSessions.newSessionId();
                    sessions.save(other, new LinkedHashMap<>(Map.of("n", updates)));
                    assertThat(sessions.load(other)).containsEntry("n", updates);
                    sessions.delete(other);
                    updates++;
                }
                return updates;
            });
            List<String> tap;
            try {
                tap = PerlProcess.runScript("store-conformance.pl", file.toString());
            } finally {
                stop.set(true);
            }
            long updates = java.get(60, TimeUnit.SECONDS);
            assertThat(tap).contains("1..19").noneMatch(line -> line.startsWith("not ok"));
            assertThat(tap.stream().filter(line -> line.startsWith("ok ")).count()).isEqualTo(19);
            assertThat(updates).as("Java worked during the suite").isGreaterThan(10);
            assertThat(sessions.load(counter)).containsEntry("count", updates);
        }
    }
}
