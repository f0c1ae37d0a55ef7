package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Callbacks against a real backing map, and callbacks that throw. */
class CallbackTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private final Map<String, String> backing = new ConcurrentHashMap<>();
    private final List<String> deleted = new ArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();

    private FastMmap file(int pageSize) {
        return FastMmap.builder(directory.resolve("cache.fmm")).pageCount(1).pageSize(pageSize).clock(clock)
                .build();
    }

    private TypedCache.Builder<String, String> typed(int pageSize) {
        return TypedCache.builder(file(pageSize), Codec.utf8(), Codec.utf8());
    }

    private String load(String key) {
        loads.incrementAndGet();
        return backing.get(key);
    }

    @Test
    void shouldRefuseWriteThroughTogetherWithWriteBack() {
        try (FastMmap file = file(4096)) {
            TypedCache.Writer<String, String> writer = (key, value, expiresAt) -> backing.put(key, value);
            assertThatThrownBy(() -> TypedCache.builder(file, Codec.utf8(), Codec.utf8()).writeThrough(writer)
                    .writeBack(writer).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writeThrough").hasMessageContaining("writeBack")
                    .hasMessageContaining("choose one");
            assertThatThrownBy(() -> TypedCache.builder(file, Codec.utf8(), Codec.utf8()).writeBack(writer)
                    .writeThrough(writer).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("choose one");
        }
    }

    @Test
    void shouldRefuseCacheNotFoundWithoutALoader() {
        try (FastMmap file = file(4096)) {
            assertThatThrownBy(() -> TypedCache.builder(file, Codec.utf8(), Codec.utf8()).cacheNotFound(true)
                    .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("cacheNotFound(true)")
                    .hasMessageContaining("readThrough(loader)");
            TypedCache.builder(file, Codec.utf8(), Codec.utf8()).cacheNotFound(false).build();
        }
    }

    @Test
    void shouldReadThroughOnAMissAndCacheTheResult() {
        backing.put("a", "from-db");
        try (TypedCache<String, String> cache = typed(4096).readThrough(this::load).build()) {
            assertThat(cache.get("a")).isEqualTo("from-db");
            assertThat(cache.get("a")).isEqualTo("from-db");
            assertThat(loads).hasValue(1);
            assertThat(cache.get("none")).isNull();
            assertThat(cache.get("none")).isNull();
            assertThat(loads).as("without cacheNotFound every miss asks again").hasValue(3);
        }
    }

    @Test
    void shouldRememberKnownAbsentKeysWhenAsked() {
        try (TypedCache<String, String> cache = typed(4096).readThrough(this::load).cacheNotFound(true).build()) {
            assertThat(cache.get("none")).isNull();
            assertThat(cache.get("none")).isNull();
            assertThat(loads).hasValue(1);
            assertThat(cache.containsKey("none")).isFalse();
            assertThat(cache.keys()).isEmpty();
            assertThat(cache.raw().keys()).hasSize(1); // the marker
            backing.put("none", "now there");
            cache.remove("none");
            assertThat(cache.get("none")).isEqualTo("now there");
        }
    }

    @Test
    void shouldLetAValueStoredWhileTheLoaderRanWin() {
        TypedCache<String, String>[] self = new TypedCache[1];
        try (TypedCache<String, String> cache = typed(4096).readThrough(key -> {
            self[0].put(key, "written-meanwhile"); // runs without a page lock, so this does not deadlock
            return "stale-from-db";
        }).build()) {
            self[0] = cache;
            assertThat(cache.get("k")).isEqualTo("written-meanwhile");
            assertThat(cache.get("k")).isEqualTo("written-meanwhile");
        }
    }

    @Test
    void shouldReportALoaderFailureAndCacheNothing() throws Exception {
        try (TypedCache<String, String> cache = typed(4096).readThrough(key -> {
            throw new IllegalStateException("database down");
        }).cacheNotFound(true).build()) {
            assertThatThrownBy(() -> cache.get("k")).isInstanceOf(CallbackException.class)
                    .hasMessageContaining("read-through loader threw for key \"k\"")
                    .hasMessageContaining("nothing was cached").hasRootCauseMessage("database down");
            assertThat(cache.raw().keys()).isEmpty();
            assertPageUnlocked(cache);
        }
    }

    /** Another thread must get the (only) page at once: a callback failure left no lock behind. */
    private static void assertPageUnlocked(TypedCache<String, String> cache) throws Exception {
        Thread other = new Thread(() -> cache.raw().set(new byte[] {1}, new byte[] {2}));
        other.start();
        other.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(other.isAlive()).isFalse();
        assertThat(cache.raw().get(new byte[] {1})).containsExactly(2);
    }

    @Test
    void shouldWriteThroughToTheBackingStoreFirst() throws Exception {
        try (TypedCache<String, String> cache = typed(4096).writeThrough((key, value, expiresAt) -> {
            if (value.contains("refused")) {
                throw new IllegalArgumentException("constraint violated");
            }
            backing.put(key, value + "@" + expiresAt);
        }).build()) {
            cache.put("a", "1");
            cache.put("b", "2", Duration.ofSeconds(30));
            assertThat(backing).containsEntry("a", "1@null")
                    .containsEntry("b", "2@" + Instant.ofEpochMilli(clock.millis()).plusSeconds(30));
            assertThat(cache.compute("a", (k, v) -> v + "1")).isEqualTo("11");
            assertThat(backing).containsEntry("a", "11@null");

            assertThatThrownBy(() -> cache.put("a", "refused")).isInstanceOf(CallbackException.class)
                    .hasMessageContaining("write-through callback threw for key \"a\"")
                    .hasMessageContaining("the cache was not changed");
            assertThat(cache.get("a")).isEqualTo("11");
            assertThat(backing).containsEntry("a", "11@null");
            assertPageUnlocked(cache);
        }
    }

    @Test
    void shouldCallTheDeleteCallbackAndReportItsFailure() throws Exception {
        try (TypedCache<String, String> cache = typed(4096).onDelete(key -> {
            if (key.equals("bad")) {
                throw new IllegalStateException("cannot delete");
            }
            deleted.add(key);
        }).build()) {
            cache.put("a", "1");
            assertThat(cache.remove("a")).isTrue();
            assertThat(cache.remove("never-cached")).isFalse();
            assertThat(deleted).containsExactly("a", "never-cached");
            cache.put("bad", "x");
            assertThatThrownBy(() -> cache.remove("bad")).isInstanceOf(CallbackException.class)
                    .hasMessageContaining("delete callback threw for key \"bad\"")
                    .hasMessageContaining("removed from the cache");
            assertThat(cache.get("bad")).isNull();
            assertPageUnlocked(cache);
        }
    }

    private TypedCache<String, String> writeBackCache(int pageSize) {
        return typed(pageSize).writeBack((key, value, expiresAt) -> backing.put(key, value)).build();
    }

    @Test
    void shouldWriteBackDirtyEntriesWhenTheyAreEvictedSoNoWriteIsLost() {
        try (TypedCache<String, String> cache = writeBackCache(4096)) {
            for (int i = 0; i < 300; i++) {
                cache.put("key" + i, "value" + i + "-".repeat(40));
            }
            assertThat(cache.raw().stats().evictionCount()).as("the page overflowed").isPositive();
            assertThat(backing).as("evicted entries were written back").isNotEmpty();
            for (int i = 0; i < 300; i++) {
                String expected = "value" + i + "-".repeat(40);
                String cached = cache.get("key" + i);
                assertThat(cached != null ? cached : backing.get("key" + i)).as("key%d", i).isEqualTo(expected);
                if (cached != null) {
                    assertThat(backing).as("a cached dirty entry is not written yet").doesNotContainKey("key" + i);
                }
            }
            assertThat(cache.raw().verify().isClean()).as("dirty flags are valid format").isTrue();
        }
    }

    @Test
    void shouldWriteBackOnExpireAndOnEmptyButNotOnRemoveOrForCleanEntries() {
        try (TypedCache<String, String> cache = writeBackCache(4096)) {
            cache.put("e", "expired-by-call");
            assertThat(cache.evict("e")).isTrue();
            assertThat(backing).containsEntry("e", "expired-by-call");
            assertThat(cache.evict("e")).isFalse();

            cache.put("r", "removed");
            cache.remove("r");
            assertThat(backing).doesNotContainKey("r");

            cache.put("old", "timed-out", Duration.ofSeconds(5));
            cache.put("live", "stays");
            clock.advance(Duration.ofSeconds(5));
            cache.purge();
            assertThat(backing).containsEntry("old", "timed-out").doesNotContainKey("live");
            cache.evictAll();
            assertThat(backing).containsEntry("live", "stays");
            assertThat(cache.raw().keys()).isEmpty();
        }
    }

    @Test
    void shouldWriteBackOnCloseWhenAsked() {
        TypedCache<String, String> cache = typed(4096).writeBack((key, value, expiresAt) -> backing.put(key, value))
                .evictAllOnClose(true).build();
        cache.put("a", "1");
        cache.put("b", "2");
        assertThat(backing).isEmpty();
        cache.close();
        assertThat(backing).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void shouldReportFailedWriteBacksWithTheUnwrittenEntries() throws Exception {
        try (TypedCache<String, String> cache = typed(4096).writeBack((key, value, expiresAt) -> {
            if (key.startsWith("fail")) {
                throw new IllegalStateException("store rejected " + key);
            }
            backing.put(key, value);
        }).build()) {
            cache.put("fail1", "x");
            cache.put("fail2", "y");
            cache.put("ok", "z");
            CallbackException failure = org.junit.jupiter.api.Assertions.assertThrows(CallbackException.class,
                    () -> cache.evictAll());
            assertThat(failure).hasMessageContaining("write-back callback threw")
                    .hasMessageContaining("2 of 3 dirty entries unwritten");
            assertThat(failure.unwritten()).extracting(e -> new String(e.key(), "UTF-8"))
                    .containsExactlyInAnyOrder("fail1", "fail2");
            assertThat(failure.getSuppressed()).hasSize(1);
            assertThat(backing).containsOnlyKeys("ok");
            assertPageUnlocked(cache);
        }
    }

    @Test
    void shouldFlushDirtyEntriesAndKeepThemCached() {
        try (TypedCache<String, String> cache = writeBackCache(4096)) {
            cache.put("a", "1");
            cache.put("b", "2", Duration.ofSeconds(60));
            assertThat(cache.flush()).isEqualTo(2);
            assertThat(backing).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
            assertThat(cache.get("a")).isEqualTo("1");
            assertThat(cache.raw().entries()).allSatisfy(e -> assertThat(e.flags() & 1).as("clean").isZero());
            assertThat(cache.raw().entries()).anySatisfy(e -> assertThat(e.expiresAt())
                    .isEqualTo(Instant.ofEpochMilli(clock.millis()).plusSeconds(60)));
            assertThat(cache.flush()).as("nothing dirty is left").isZero();
            backing.clear();
            cache.evictAll();
            assertThat(backing).as("clean entries are not written again").isEmpty();
        }
    }

    @Test
    void shouldKeepEntriesWhoseFlushFailedDirty() {
        try (TypedCache<String, String> cache = typed(4096).writeBack((key, value, expiresAt) -> {
            if (key.equals("bad")) {
                throw new IllegalStateException("no");
            }
            backing.put(key, value);
        }).build()) {
            cache.put("bad", "x");
            cache.put("good", "y");
            assertThatThrownBy(cache::flush).isInstanceOf(CallbackException.class)
                    .hasMessageContaining("key \"bad\" during flush()").hasMessageContaining("stays dirty");
            assertThat(backing).containsOnlyKeys("good");
            assertThat(cache.raw().entries()).anySatisfy(e -> assertThat(e.flags() & 1).isEqualTo(1));
        }
    }

    @Test
    void shouldFlushOnCloseAndLeaveTheEntriesForOtherProcesses() {
        TypedCache<String, String> cache = typed(4096).writeBack((key, value, expiresAt) -> backing.put(key, value))
                .flushOnClose(true).build();
        cache.put("a", "1");
        cache.close();
        assertThat(backing).containsOnly(Map.entry("a", "1"));
        try (FastMmap again = file(4096)) {
            assertThat(again.keys()).hasSize(1);
        }
    }

    @Test
    void shouldRefuseASecondWriteBackViewOfOneInstance() {
        try (TypedCache<String, String> cache = writeBackCache(4096)) {
            assertThatThrownBy(() -> TypedCache.builder(cache.raw(), Codec.utf8(), Codec.utf8())
                    .writeBack((k, v, e) -> { }).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one write-back view per FastMmap");
        }
    }

    @Test
    void shouldNotBlockOtherKeysOfThePageWhileASlowLoaderRuns() throws Exception {
        java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        try (TypedCache<String, String> cache = typed(4096).readThrough(key -> {
            loading.countDown();
            finish.await();
            return "slow";
        }).build()) {
            java.util.concurrent.CompletableFuture<String> slow =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.get("slow-key"));
            assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
            // One page: "other" shares the page of "slow-key", yet is served while the loader waits.
            cache.put("other", "fast");
            assertThat(cache.get("other")).isEqualTo("fast");
            assertThat(slow).isNotDone();
            finish.countDown();
            assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slow");
        }
    }
}
