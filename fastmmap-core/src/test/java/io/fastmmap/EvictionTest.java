package io.fastmmap;

import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One page of 4 KiB, so every key competes for the same room. */
class EvictionTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap onePage() {
        return FastMmap.builder(directory.resolve("c.fmm")).pageCount(1).pageSize(4096).clock(clock).build();
    }

    @Test
    void theLeastRecentlyUsedEntriesShouldGoFirstEvenWithinOneMillisecond() {
        try (FastMmap cache = onePage()) {
            for (int i = 0; i < 20; i++) {
                cache.set(utf8("k" + i), Bytes.filled(100, i));
            }
            for (int i = 0; i < 20; i += 2) {
                assertThat(cache.get(utf8("k" + i))).isNotNull(); // even keys are now more recent than odd ones
            }
            for (int i = 0; i < 20; i++) {
                cache.set(utf8("new" + i), Bytes.filled(100, 100 + i));
            }
            List<Integer> survivingEven = new ArrayList<>();
            List<Integer> survivingOdd = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                if (cache.get(utf8("k" + i)) != null) {
                    (i % 2 == 0 ? survivingEven : survivingOdd).add(i);
                }
            }
            assertThat(survivingOdd).as("odd keys were used least recently").isEmpty();
            assertThat(survivingEven).isNotEmpty();
            for (int i = 0; i < 20; i++) {
                assertThat(cache.get(utf8("new" + i))).as("the newest entries stay").isEqualTo(Bytes.filled(100, 100 + i));
            }
            assertThat(cache.stats().evictionCount()).isGreaterThanOrEqualTo(10);
            assertThat(cache.stats().expirationCount()).isZero();
        }
    }

    @Test
    void expiredEntriesShouldBeDroppedBeforeAnyLiveOne() {
        try (FastMmap cache = onePage()) {
            for (int i = 0; i < 10; i++) {
                cache.set(utf8("old" + i), Bytes.filled(100, i)); // least recently used, but live
            }
            for (int i = 0; i < 10; i++) {
                cache.set(utf8("short" + i), Bytes.filled(100, i), Duration.ofSeconds(1));
            }
            assertThat(cache.stats().evictionCount()).as("everything fitted so far").isZero();
            clock.advance(Duration.ofSeconds(2));
            for (int i = 0; i < 12; i++) {
                cache.set(utf8("new" + i), Bytes.filled(100, i));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(cache.get(utf8("old" + i))).as("old" + i).isNotNull();
            }
            CacheStats stats = cache.stats();
            assertThat(stats.expirationCount()).isEqualTo(10);
            assertThat(stats.evictionCount()).isZero();
        }
    }

    @Test
    void aValueThatFitsThePageShouldAlwaysBeStoredEvictingAsMuchAsNeeded() {
        try (FastMmap cache = onePage()) {
            for (int i = 0; i < 30; i++) {
                cache.set(utf8("k" + i), Bytes.filled(80, i));
            }
            byte[] huge = Bytes.filled(cache.maxValueByteCount(4), 9);
            cache.set(utf8("huge"), huge);
            assertThat(cache.get(utf8("huge"))).isEqualTo(huge);
            for (int i = 0; i < 30; i++) {
                assertThat(cache.get(utf8("k" + i))).isNull();
            }
            assertThat(cache.stats().evictionCount()).isEqualTo(30);
            cache.set(utf8("small"), utf8("s"));
            assertThat(text(cache.get(utf8("small")))).isEqualTo("s");
        }
    }

    @Test
    void aValueTooLargeForAnyPageShouldLeaveTheOldValue() {
        try (FastMmap cache = onePage()) {
            cache.set(utf8("k"), utf8("old"));
            int max = cache.maxValueByteCount(1);
            assertThatThrownBy(() -> cache.set(utf8("k"), new byte[max + 1]))
                    .isInstanceOf(ValueTooLargeException.class)
                    .hasMessageContaining("pageSize=4096")
                    .hasMessageContaining("raise pageSize")
                    .hasMessageContaining("\"k\"")
                    .satisfies(e -> assertThat(((ValueTooLargeException) e).maxEntryByteCount()).isEqualTo(4000));
            assertThatThrownBy(() -> cache.getAndSet(utf8("k"), old -> new byte[max + 1]))
                    .isInstanceOf(ValueTooLargeException.class);
            assertThat(text(cache.get(utf8("k")))).isEqualTo("old");
            cache.set(utf8("k"), new byte[max]);
            assertThat(cache.get(utf8("k"))).hasSize(max);
        }
    }

    @Test
    void aLongUsedPageShouldKeepItsLruOrderAcrossManyCompactions() {
        try (FastMmap cache = onePage()) {
            cache.set(utf8("hot"), Bytes.filled(50, 1));
            for (int i = 0; i < 2_000; i++) {
                assertThat(cache.get(utf8("hot"))).isNotNull();
                cache.set(utf8("cold" + i), Bytes.filled(200, i));
            }
            assertThat(cache.get(utf8("hot"))).isEqualTo(Bytes.filled(50, 1));
        }
    }
}
