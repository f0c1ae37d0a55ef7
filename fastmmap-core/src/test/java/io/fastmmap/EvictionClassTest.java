package io.fastmmap;

import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protected entries outlive any flood of ordinary ones, as long as they alone fit in their pages. */
class EvictionClassTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap open(int pageCount) {
        return FastMmap.builder(directory.resolve("c.fmm")).pageCount(pageCount).pageSize(8192).clock(clock).build();
    }

    @Test
    void aFloodOfTenTimesTheCapacityInOrdinaryEntriesShouldEvictNoProtectedEntry() {
        try (FastMmap cache = open(8)) {
            long capacityEntries = 8L * 8192 / (24 + 8 + 200);
            List<byte[]> kept = new ArrayList<>();
            for (int i = 0; i < capacityEntries / 5; i++) { // a fifth of the file: fits in every page, whatever the hash
                byte[] key = utf8("user" + i);
                cache.set(key, Bytes.filled(200, i), null, EvictionClass.PROTECTED);
                kept.add(key);
            }
            for (long i = 0; i < 10 * capacityEntries; i++) {
                cache.set(utf8("anon" + i), Bytes.filled(200, (int) i));
            }
            for (int i = 0; i < kept.size(); i++) {
                assertThat(java.util.Arrays.equals(cache.get(kept.get(i)), Bytes.filled(200, i)))
                        .as("protected entry %d of %d is still there", i, kept.size()).isTrue();
            }
            CacheStats stats = cache.stats();
            assertThat(stats.evictionCount()).isGreaterThan(8 * capacityEntries);
            assertThat(stats.protectedEvictionCount()).isZero();
            assertThat(stats.ordinaryEvictionCount()).isEqualTo(stats.evictionCount());
            assertThat(cache.verify().isClean()).isTrue();
        }
    }

    @Test
    void protectedEntriesThatAloneOutgrowTheirPageShouldBeEvictedLeastRecentlyUsedFirstAndCounted() {
        try (FastMmap cache = open(1)) {
            for (int i = 0; i < 100; i++) {
                cache.set(utf8("user" + i), Bytes.filled(200, i), null, EvictionClass.PROTECTED);
            }
            assertThat(cache.get(utf8("user0"))).as("evicted, least recently used").isNull();
            assertThat(cache.get(utf8("user99"))).isEqualTo(Bytes.filled(200, 99));
            CacheStats stats = cache.stats();
            assertThat(stats.protectedEvictionCount()).isPositive().isEqualTo(stats.evictionCount());
            assertThat(stats.ordinaryEvictionCount()).isZero();
        }
    }

    @Test
    void getAndSetShouldStoreTheClassTheNewValueCallsForAndAKeptValueShouldKeepItsClass() {
        try (FastMmap cache = open(1)) {
            byte[] key = utf8("session");
            cache.getAndSet(key, current -> utf8("logged in"),
                    value -> new String(value).contains("logged") ? EvictionClass.PROTECTED : EvictionClass.ORDINARY);
            assertThat(classOf(cache, key)).isEqualTo(EvictionClass.PROTECTED);
            cache.getAndSet(key, current -> current, value -> EvictionClass.ORDINARY);
            assertThat(classOf(cache, key)).as("nothing stored, class kept").isEqualTo(EvictionClass.PROTECTED);
            cache.getAndSet(key, current -> utf8("anonymous"), value -> EvictionClass.ORDINARY);
            assertThat(classOf(cache, key)).isEqualTo(EvictionClass.ORDINARY);
            cache.set(key, utf8("again"), null, EvictionClass.PROTECTED);
            cache.set(key, utf8("plain"));
            assertThat(classOf(cache, key)).as("a plain set stores ordinary").isEqualTo(EvictionClass.ORDINARY);
        }
    }

    private static EvictionClass classOf(FastMmap cache, byte[] key) {
        for (CacheEntry entry : cache.entries()) {
            if (java.util.Arrays.equals(entry.key(), key)) {
                return entry.evictionClass();
            }
        }
        throw new AssertionError("no entry " + new String(key));
    }
}
