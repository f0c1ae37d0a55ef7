package io.fastmmap;

import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap open(String name, boolean stats) {
        return FastMmap.builder(directory.resolve(name)).pageCount(1).pageSize(4096).clock(clock)
                .enableStats(stats).build();
    }

    @Test
    void shouldBuildStatsFromFiguresReadElsewhereWithUnsetCountersAtZero() {
        CacheStats stats = CacheStats.builder().hitCount(3).missCount(1).evictionCount(5).protectedEvictionCount(2)
                .usedBytes(100).build();
        assertThat(stats.hitRatio()).isEqualTo(0.75);
        assertThat(stats.ordinaryEvictionCount()).isEqualTo(3);
        assertThat(stats.setCount()).isZero();
        assertThat(stats.freeBytes()).isZero();
        CacheStats same = CacheStats.builder().hitCount(3).missCount(1).evictionCount(5).protectedEvictionCount(2)
                .usedBytes(100).build();
        assertThat(stats).isEqualTo(same).hasSameHashCodeAs(same)
                .isNotEqualTo(CacheStats.builder().hitCount(3).missCount(1).evictionCount(5).build());
        assertThat(stats.toString()).contains("hitCount=3", "protectedEvictionCount=2", "usedBytes=100",
                "freeBytes=0");
    }

    @Test
    void shouldCountHitsMissesSetsAndRemovesWhenEnabled() {
        try (FastMmap cache = open("on.fmm", true)) {
            assertThat(cache.statsEnabled()).isTrue();
            assertThat(cache.stats().hitRatio()).isNaN();
            cache.set(utf8("a"), utf8("1"));
            cache.set(utf8("b"), utf8("2"), Duration.ofSeconds(1));
            cache.multiSet(List.of(utf8("c"), utf8("d")), List.of(utf8("3"), utf8("4")));
            cache.get(utf8("a"));
            cache.get(utf8("zz"));
            cache.multiGet(List.of(utf8("c"), utf8("nope")));
            cache.getAndSet(utf8("a"), v -> utf8("11")); // a set
            cache.getAndSet(utf8("a"), v -> v); // nothing stored: not a set
            cache.getAndSet(utf8("c"), v -> null); // a remove
            cache.getAndSet(utf8("gone"), v -> null); // nothing to remove
            cache.remove(utf8("d"));
            cache.remove(utf8("d")); // absent: not counted
            cache.getAndRemove(utf8("a"));
            CacheStats stats = cache.stats();
            assertThat(stats.hitCount()).isEqualTo(2);
            assertThat(stats.missCount()).isEqualTo(2);
            assertThat(stats.hitRatio()).isEqualTo(0.5);
            assertThat(stats.setCount()).isEqualTo(5);
            assertThat(stats.removeCount()).isEqualTo(3);
        }
    }

    @Test
    void shouldCountNothingPerOperationWhenDisabled() {
        try (FastMmap cache = open("off.fmm", false)) {
            assertThat(cache.statsEnabled()).isFalse();
            cache.set(utf8("a"), utf8("1"));
            cache.get(utf8("a"));
            cache.get(utf8("b"));
            cache.remove(utf8("a"));
            CacheStats stats = cache.stats();
            assertThat(stats.hitCount() + stats.missCount() + stats.setCount() + stats.removeCount()).isZero();
        }
    }

    @Test
    void shouldCountValuesRefusedAsTooLargeWithOrWithoutStats() {
        try (FastMmap cache = open("large.fmm", false)) {
            byte[] huge = new byte[8192];
            assertThatThrownBy(() -> cache.set(utf8("a"), huge)).isInstanceOf(ValueTooLargeException.class);
            assertThatThrownBy(() -> cache.getAndSet(utf8("a"), v -> huge))
                    .isInstanceOf(ValueTooLargeException.class);
            assertThatThrownBy(() -> cache.multiSet(List.of(utf8("b"), utf8("c")), List.of(huge, huge)))
                    .isInstanceOf(ValueTooLargeException.class);
            cache.set(utf8("fits"), new byte[100]);
            assertThat(cache.stats().tooLargeRefusalCount()).isEqualTo(3);
        }
    }

    @Test
    void shouldTellEvictionsOfLiveEntriesFromExpirations() {
        try (FastMmap cache = open("evict.fmm", true)) {
            cache.set(utf8("short"), new byte[200], Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            for (int i = 0; cache.stats().evictionCount() == 0; i++) {
                cache.set(utf8("k" + i), new byte[200]);
            }
            CacheStats stats = cache.stats();
            assertThat(stats.expirationCount()).isEqualTo(1);
            assertThat(stats.evictionCount()).isPositive();
        }
    }

    @Test
    void shouldReportSpaceUsedAndFreeFromThePages() {
        try (FastMmap cache = open("space.fmm", false)) {
            CacheStats empty = cache.stats();
            assertThat(empty.entryCount()).isZero();
            assertThat(empty.usedBytes()).isZero();
            long capacity = empty.freeBytes();
            assertThat(capacity).isPositive().isLessThan(4096);

            cache.set(utf8("key"), new byte[100]); // 24 header + 3 + 100 = 127, aligned to 128
            CacheStats one = cache.stats();
            assertThat(one.entryCount()).isEqualTo(1);
            assertThat(one.usedBytes()).isEqualTo(128);
            assertThat(one.freeBytes()).isEqualTo(capacity - 128);

            cache.set(utf8("key"), new byte[10]); // replaced: the old record is garbage, reclaimable
            assertThat(cache.stats().usedBytes()).isEqualTo(40);
            cache.remove(utf8("key"));
            CacheStats none = cache.stats();
            assertThat(none.entryCount()).isZero();
            assertThat(none.usedBytes()).isZero();
            assertThat(none.freeBytes()).isEqualTo(capacity);
        }
    }

    @Test
    void shouldSeeSharedCountersOfAnotherInstanceButNotItsOperations() {
        Path file = directory.resolve("shared.fmm");
        try (FastMmap first = FastMmap.builder(file).pageCount(1).pageSize(4096).enableStats(true).build();
                FastMmap second = FastMmap.builder(file).pageCount(1).pageSize(4096).enableStats(true).build()) {
            first.set(utf8("x"), utf8("y"));
            assertThat(second.stats().entryCount()).isEqualTo(1);
            assertThat(second.stats().setCount()).isZero();
            assertThat(first.stats().setCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldNeverWaitForAPageLockToReadStatistics() throws Exception {
        try (FastMmap cache = FastMmap.builder(directory.resolve("busy.fmm")).pageCount(1).pageSize(4096)
                .lockTimeout(java.time.Duration.ofMillis(300)).build()) {
            cache.set(utf8("k"), utf8("v"));
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread holder = new Thread(() -> cache.getAndSet(utf8("k"), v -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            }));
            holder.start();
            holding.await();
            try {
                assertThatThrownBy(() -> cache.get(utf8("k"))).as("the page is really held")
                        .isInstanceOf(LockTimeoutException.class);
                CacheStats stats = cache.stats();
                assertThat(stats.entryCount()).isEqualTo(1);
                assertThat(stats.usedBytes()).isEqualTo(32);
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }
}
