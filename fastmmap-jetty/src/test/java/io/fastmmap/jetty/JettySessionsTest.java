package io.fastmmap.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CacheEntry;
import io.fastmmap.FastMmap;
import io.fastmmap.servlet.testkit.Browser;
import io.fastmmap.servlet.testkit.SharedSessionScenarios;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Real servlet requests through two Jetty servers (ee10) sharing one file, set up as docs/jetty.md says: the
 * scenarios every container passes, and Jetty's own.
 */
class JettySessionsTest extends SharedSessionScenarios {
    @Override
    protected Node startNode(Path sessionFile, String name) throws Exception {
        return new JettyNode(sessionFile, name);
    }

    @Override
    protected void afterInvalidatedDuringRequest() {
        assertThat(jettyEntries()).isEmpty();
    }

    @Override
    protected void afterChangeSessionId(String before, String after) {
        assertThat(jettyEntries()).hasSize(1);
    }

    @Test
    void aDamagedSessionEntryGivesAFreshSessionNeverAnError() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=incr&name=n"));
        byte[] key = jettyEntries().get(0).key();
        String id = browser.cookie.substring(0, browser.cookie.indexOf('.'));
        // Another session of the same context, damaged: written here, not raced against the request's own save.
        byte[] prefix = Arrays.copyOf(key, key.length - id.length());
        String damagedId = "node0damaged0123456789";
        try (FastMmap raw = open()) {
            raw.set(SessionKeys.key(prefix, damagedId), "J but not a record".getBytes(StandardCharsets.US_ASCII));
        }
        Browser victim = new Browser(damagedId + ".nodea");
        HttpResponse<String> response = victim.get(b("op=incr&name=n"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("1");
        assertThat(victim.cookie).doesNotStartWith(damagedId);
    }

    @Test
    void aSessionWithoutTimeoutNeverExpiresAsWithJettysOwnStores() throws Exception {
        Browser browser = new Browser();
        browser.body(a("op=timeout&seconds=-1"));
        browser.body(a("op=incr&name=n"));
        String id = browser.cookie.substring(0, browser.cookie.indexOf('.'));
        FastMmapSessionDataStore store = (FastMmapSessionDataStore) ((JettyNode) nodeB).store();
        long farFuture = System.currentTimeMillis() + Duration.ofDays(400).toMillis();
        // What the scavenger and the orphan sweep of any process would ask, 400 days on:
        assertThat(store.doGetExpired(farFuture)).isEmpty();
        assertThat(store.doCheckExpired(Set.of(id), farFuture)).isEmpty();
        store.doCleanOrphans(farFuture);
        assertThat(jettyEntries()).hasSize(1);
        assertThat(browser.body(b("op=timeout"))).isEqualTo("-1");
        assertThat(browser.body(b("op=incr&name=n"))).isEqualTo("2");
    }

    private List<CacheEntry> jettyEntries() {
        try (FastMmap raw = open()) {
            List<CacheEntry> out = new ArrayList<>();
            raw.entriesWithValues().forEach(e -> {
                if (SessionKeys.isSessionKey(e.key())) {
                    out.add(e);
                }
            });
            return out;
        }
    }

    private FastMmap open() {
        return FastMmap.builder(file).cacheSize(4 << 20).pageSize(16 << 10).build();
    }
}
