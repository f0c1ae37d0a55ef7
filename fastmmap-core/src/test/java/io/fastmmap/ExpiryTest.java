package io.fastmmap;

import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpiryTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap cache(Duration defaultTtl) {
        FastMmap.Builder builder = FastMmap.builder(directory.resolve("c.fmm")).pageCount(2).pageSize(4096)
                .clock(clock);
        return (defaultTtl == null ? builder : builder.expireAfterWrite(defaultTtl)).build();
    }

    /** Regression (found by ModelPropertyTest): the expired entry stayed, and came back when the clock went back. */
    @Test
    void anUpdateReturningNullShouldRemoveAnExpiredEntrySoThatAClockSetBackCannotRevive() {
        try (FastMmap cache = cache(null)) {
            cache.set(utf8("k"), utf8("v"), Duration.ofMillis(1));
            clock.advance(Duration.ofMillis(1));
            assertThat(cache.getAndSet(utf8("k"), old -> {
                assertThat(old).as("expired, so the update sees no value").isNull();
                return null;
            })).isNull();
            clock.advance(Duration.ofMillis(-1));
            assertThat(cache.get(utf8("k"))).as("after the clock was set back").isNull();
        }
    }

    @Test
    void entriesShouldNotExpireWithoutATimeToLive() {
        try (FastMmap cache = cache(null)) {
            cache.set(utf8("k"), utf8("v"));
            clock.advance(Duration.ofDays(365 * 50));
            assertThat(text(cache.get(utf8("k")))).isEqualTo("v");
        }
    }

    @Test
    void theDefaultTimeToLiveShouldExpireEntriesToTheMillisecond() {
        try (FastMmap cache = cache(Duration.ofSeconds(30))) {
            cache.set(utf8("k"), utf8("v"));
            clock.advance(Duration.ofMillis(29_999));
            assertThat(cache.exists(utf8("k"))).isTrue();
            clock.advance(Duration.ofMillis(1));
            assertThat(cache.get(utf8("k"))).isNull();
            assertThat(cache.exists(utf8("k"))).isFalse();
            assertThat(cache.remove(utf8("k"))).as("an expired entry is not a live one").isFalse();
        }
    }

    @Test
    void aPerEntryTimeToLiveShouldWinOverTheDefault() {
        try (FastMmap cache = cache(Duration.ofSeconds(30))) {
            cache.set(utf8("short"), utf8("v"), Duration.ofSeconds(1));
            cache.set(utf8("long"), utf8("v"), Duration.ofHours(1));
            clock.advance(Duration.ofMinutes(1));
            assertThat(cache.get(utf8("short"))).isNull();
            assertThat(cache.get(utf8("long"))).isNotNull();
        }
    }

    @Test
    void getAndSetShouldSeeAnExpiredEntryAsAbsentAndRenewTheExpiry() {
        try (FastMmap cache = cache(Duration.ofSeconds(10))) {
            cache.set(utf8("k"), utf8("old"));
            clock.advance(Duration.ofSeconds(11));
            byte[][] seen = new byte[1][];
            cache.getAndSet(utf8("k"), old -> {
                seen[0] = old;
                return utf8("new");
            });
            assertThat(seen[0]).isNull();
            clock.advance(Duration.ofSeconds(9));
            assertThat(text(cache.get(utf8("k")))).isEqualTo("new");
        }
    }

    @Test
    void purgeShouldDropExpiredEntriesAndCountThemApartFromEvictions() {
        try (FastMmap cache = cache(null)) {
            for (int i = 0; i < 20; i++) {
                cache.set(utf8("gone" + i), utf8("v"), Duration.ofSeconds(5));
                cache.set(utf8("kept" + i), utf8("v"));
            }
            clock.advance(Duration.ofSeconds(5));
            cache.purge();
            CacheStats stats = cache.stats();
            assertThat(stats.expirationCount()).isEqualTo(20);
            assertThat(stats.evictionCount()).isZero();
            for (int i = 0; i < 20; i++) {
                assertThat(cache.get(utf8("kept" + i))).isNotNull();
            }
        }
    }

    @Test
    void aClockJumpBackwardsShouldKeepEntriesAndForwardsShouldExpireThem() {
        try (FastMmap cache = cache(Duration.ofMinutes(1))) {
            cache.set(utf8("k"), utf8("v"));
            clock.advance(Duration.ofDays(-1));
            assertThat(cache.get(utf8("k"))).isNotNull();
            clock.advance(Duration.ofDays(2));
            assertThat(cache.get(utf8("k"))).isNull();
        }
    }

    @Test
    void timesToLiveShouldBePositive() {
        try (FastMmap cache = cache(null)) {
            assertThatThrownBy(() -> cache.set(utf8("k"), utf8("v"), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
            assertThatThrownBy(() -> cache.set(utf8("k"), utf8("v"), Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            cache.set(utf8("k"), utf8("v"), Duration.ofNanos(1));
            assertThat(cache.get(utf8("k"))).as("rounded up to 1 ms, and the clock has not moved").isNotNull();
            cache.set(utf8("forever"), utf8("v"), Duration.ofSeconds(Long.MAX_VALUE));
            clock.advance(Duration.ofDays(365 * 1000));
            assertThat(cache.get(utf8("forever"))).isNotNull();
        }
        assertThatThrownBy(() -> FastMmap.builder(directory.resolve("x")).expireAfterWrite(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Regression (issue 19, item 9): Long.MAX_VALUE ms and 1 ns overflowed to a time to live of 1 ms. */
    @Test
    void theLongestTimeToLiveShouldSaturateInsteadOfWrappingToOneMillisecond() {
        try (FastMmap cache = cache(null)) {
            cache.set(utf8("k"), utf8("v"), Duration.ofMillis(Long.MAX_VALUE).plusNanos(1));
            cache.set(utf8("seconds"), utf8("v"), Duration.ofSeconds(Long.MAX_VALUE));
            clock.advance(Duration.ofDays(365 * 1000));
            assertThat(cache.get(utf8("k"))).isEqualTo(utf8("v"));
            assertThat(cache.get(utf8("seconds"))).isEqualTo(utf8("v"));
        }
    }

    /** Regression (issue 19, item 9): an expiry that lands on the epoch was stored as 0, which means never. */
    @Test
    void anExpiryLandingOnTheEpochShouldStillExpire() {
        clock.set(-1000); // a clock before 1970
        try (FastMmap cache = cache(Duration.ofSeconds(1))) {
            cache.set(utf8("k"), utf8("v"), Duration.ofSeconds(1));
            cache.set(utf8("default"), utf8("v"));
            assertThat(cache.get(utf8("k"))).isEqualTo(utf8("v"));
            clock.advance(Duration.ofMillis(1000));
            assertThat(cache.get(utf8("k"))).as("stored as 1 ms past the epoch, not 0 (never)").isEqualTo(utf8("v"));
            clock.advance(Duration.ofMillis(1));
            assertThat(cache.get(utf8("k"))).as("expired at the epoch").isNull();
            assertThat(cache.get(utf8("default"))).as("expired at the epoch").isNull();
        }
    }

    /** The edge of the clock: an expiry past Long.MAX_VALUE is Long.MAX_VALUE, for a write-through callback too. */
    @Test
    void anExpiryPastTheEndOfTimeShouldSaturateForTheWriteThroughCallbackToo() {
        clock.set(Long.MAX_VALUE - 10);
        java.util.List<java.time.Instant> written = new java.util.ArrayList<>();
        try (FastMmap file = cache(null);
                TypedCache<String, String> cache = TypedCache.builder(file, Codec.utf8(), Codec.utf8())
                        .writeThrough((key, value, expiresAt) -> written.add(expiresAt)).build()) {
            cache.put("k", "v", Duration.ofMillis(11));
            assertThat(written).containsExactly(java.time.Instant.ofEpochMilli(Long.MAX_VALUE));
            clock.advance(Duration.ofMillis(9));
            assertThat(cache.get("k")).isEqualTo("v");
        }
    }
}
