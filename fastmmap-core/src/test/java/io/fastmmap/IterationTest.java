package io.fastmmap;

import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IterationTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap open(int pageCount, int pageSize) {
        return FastMmap.builder(directory.resolve("cache.fmm")).pageCount(pageCount).pageSize(pageSize)
                .clock(clock).build();
    }

    private static Set<String> keysOf(FastMmap cache) {
        Set<String> keys = new HashSet<>();
        for (byte[] key : cache.keys()) {
            assertThat(keys.add(text(key))).as("each key once").isTrue();
        }
        return keys;
    }

    @Test
    void shouldListEveryLiveKeyOnceAndSkipExpiredAndRemovedOnes() {
        try (FastMmap cache = open(7, 4096)) {
            assertThat(cache.keys()).isEmpty();
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                cache.set(utf8("k" + i), utf8("v" + i));
                expected.add("k" + i);
            }
            cache.set(utf8("short"), utf8("lived"), Duration.ofSeconds(5));
            cache.remove(utf8("k7"));
            expected.remove("k7");
            expected.add("short");
            assertThat(keysOf(cache)).isEqualTo(expected);

            clock.advance(Duration.ofSeconds(5));
            expected.remove("short");
            assertThat(keysOf(cache)).isEqualTo(expected);
        }
    }

    @Test
    void shouldGiveMetadataWithoutValuesAndValuesOnlyWhenAsked() {
        try (FastMmap cache = open(3, 4096)) {
            cache.set(utf8("forever"), utf8("a"));
            cache.set(utf8("soon"), utf8("bb"), Duration.ofSeconds(30));
            Instant expiry = Instant.ofEpochMilli(clock.millis()).plusSeconds(30);

            Map<String, CacheEntry> metadata = new HashMap<>();
            cache.entries().forEach(e -> metadata.put(text(e.key()), e));
            assertThat(metadata.keySet()).containsExactlyInAnyOrder("forever", "soon");
            assertThat(metadata.get("forever").value()).isNull();
            assertThat(metadata.get("forever").expiresAt()).isNull();
            assertThat(metadata.get("soon").expiresAt()).isEqualTo(expiry);
            assertThat(metadata.get("soon").flags()).isZero();

            Map<String, String> values = new HashMap<>();
            cache.entriesWithValues().forEach(e -> values.put(text(e.key()), text(e.value())));
            assertThat(values).isEqualTo(Map.of("forever", "a", "soon", "bb"));
        }
    }

    @Test
    void shouldLetTheLoopBodyUseTheCacheBecauseNoLockIsHeldBetweenElements() {
        try (FastMmap cache = open(5, 4096)) {
            for (int i = 0; i < 50; i++) {
                cache.set(utf8("k" + i), utf8("v" + i));
            }
            int visited = 0;
            for (byte[] key : cache.keys()) {
                assertThat(cache.remove(key)).isTrue();
                visited++;
            }
            assertThat(visited).isEqualTo(50);
            assertThat(cache.keys()).isEmpty();
        }
    }

    @Test
    void shouldNotCountIterationAsAUseForEviction() {
        // One page; "old" is least recently used. Iterating must not refresh it, so filling the page evicts it.
        try (FastMmap cache = open(1, 4096)) {
            cache.set(utf8("old"), new byte[100]);
            cache.set(utf8("new"), new byte[100]);
            assertThat(cache.entriesWithValues()).hasSize(2);
            assertThat(cache.entries()).hasSize(2);
            for (int i = 0; cache.stats().evictionCount() == 0; i++) {
                assertThat(cache.get(utf8("new"))).isNotNull();
                cache.set(utf8("filler" + i), new byte[100]);
            }
            assertThat(cache.exists(utf8("old"))).isFalse();
            assertThat(cache.exists(utf8("new"))).isTrue();
        }
    }

    @Test
    void shouldSeeEveryUntouchedKeyExactlyOnceWhileOtherThreadsWrite() throws Exception {
        try (FastMmap cache = open(16, 65536)) {
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                cache.set(utf8("stable-" + i), utf8("value-of-stable-" + i));
                stable.add("stable-" + i);
            }
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            int churnSeen = 0;
            for (int w = 0; w < 3; w++) {
                int seed = w;
                Thread writer = new Thread(() -> {
                    try {
                        for (int n = 0; !stop.get(); n++) {
                            String key = "churn-" + seed + "-" + (n % 500);
                            if (n % 3 == 2) {
                                cache.remove(utf8(key));
                            } else {
                                cache.set(utf8(key), utf8("value-of-" + key));
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
                writer.start();
                writers.add(writer);
            }
            try {
                for (int round = 0; round < 10; round++) {
                    Set<String> seenStable = new HashSet<>();
                    Set<String> seen = new HashSet<>();
                    for (CacheEntry entry : cache.entriesWithValues()) {
                        String key = text(entry.key());
                        assertThat(seen.add(key)).as("%s seen twice", key).isTrue();
                        assertThat(text(entry.value())).isEqualTo("value-of-" + key);
                        if (key.startsWith("stable-")) {
                            seenStable.add(key);
                        } else {
                            churnSeen++;
                        }
                    }
                    assertThat(seenStable).isEqualTo(stable);
                }
            } finally {
                stop.set(true);
                for (Thread writer : writers) {
                    writer.join();
                }
            }
            assertThat(failures).isEmpty();
            assertThat(churnSeen).as("the writers ran during the iterations").isPositive();
        }
    }

    @Test
    void shouldFailClearlyOnceTheCacheIsClosed() {
        FastMmap cache = open(3, 4096);
        cache.set(utf8("k"), utf8("v"));
        Iterator<byte[]> keys = cache.keys().iterator();
        cache.close();
        assertThatThrownBy(keys::hasNext).isInstanceOf(CacheClosedException.class).hasMessageContaining("closed");
    }

    @Test
    void shouldThrowNoSuchElementPastTheEnd() {
        try (FastMmap cache = open(2, 4096)) {
            Iterator<byte[]> keys = cache.keys().iterator();
            assertThat(keys.hasNext()).isFalse();
            assertThatThrownBy(keys::next).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("cache.fmm");
        }
    }
}
