package io.fastmmap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.ManualClock;
import io.fastmmap.TypedCache;
import io.fastmmap.ValueTooLargeException;
import io.fastmmap.Codec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters against known operations on a real cache file in one process. */
class FastMmapMetricsTest {
    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static double count(SimpleMeterRegistry registry, String name, String... tags) {
        FunctionCounter counter = registry.find(name).tags(tags).functionCounter();
        assertThat(counter).as("counter %s %s", name, List.of(tags)).isNotNull();
        return counter.count();
    }

    static double gauge(SimpleMeterRegistry registry, String name) {
        Gauge gauge = registry.find(name).gauge();
        assertThat(gauge).as("gauge %s", name).isNotNull();
        return gauge.value();
    }

    @Test
    void operationsOfThisInstanceAndFileFiguresShowInTheMetersByMicrometersCacheConventions() {
        ManualClock clock = new ManualClock();
        try (FastMmap cache = FastMmap.builder(dir.resolve("c.fmm")).pageCount(2).pageSize(4096).enableStats(true)
                .clock(clock).build()) {
            FastMmapMetrics.monitor(registry, cache, "things", "app", "demo");
            cache.set(bytes("a"), bytes("1"));
            cache.set(bytes("b"), bytes("2"));
            cache.set(bytes("short"), bytes("3"), Duration.ofSeconds(10));
            cache.get(bytes("a"));
            cache.get(bytes("b"));
            cache.get(bytes("nothing"));
            cache.remove(bytes("b"));
            cache.remove(bytes("never-there"));

            assertThat(count(registry, "cache.gets", "result", "hit", "cache", "things", "app", "demo")).isEqualTo(2);
            assertThat(count(registry, "cache.gets", "result", "miss")).isEqualTo(1);
            assertThat(count(registry, "cache.puts")).isEqualTo(3);
            assertThat(count(registry, "cache.removals")).as("only removals of a present key").isEqualTo(1);
            assertThat(gauge(registry, "cache.size")).isEqualTo(2);
            assertThat(count(registry, "cache.expirations")).isZero();
            assertThat(count(registry, "cache.evictions")).isZero();

            clock.advance(Duration.ofSeconds(11));
            cache.purge();
            assertThat(count(registry, "cache.expirations")).isEqualTo(1);
            assertThat(count(registry, "cache.evictions")).as("an expiry is not an eviction").isZero();
            assertThat(gauge(registry, "cache.size")).isEqualTo(1);

            for (int i = 0; i < 100; i++) { // 100 x 200 bytes cannot fit in two 4 KiB pages
                cache.set(bytes("filler-" + i), new byte[200]);
            }
            CacheStats stats = cache.stats();
            assertThat(stats.evictionCount()).isPositive();
            assertThat(count(registry, "cache.evictions")).isEqualTo(stats.evictionCount());
            assertThat(count(registry, "cache.puts")).isEqualTo(103);
            assertThat(gauge(registry, "cache.size")).isEqualTo(stats.entryCount());
            assertThat(gauge(registry, "cache.data.used")).isEqualTo(stats.usedBytes()).isPositive();
            assertThat(gauge(registry, "cache.data.free")).isEqualTo(stats.freeBytes());
            assertThat(registry.find("cache.data.used").gauge().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(count(registry, "cache.lock.recoveries")).isZero();
            assertThat(count(registry, "cache.page.repairs")).isZero();
            assertThat(count(registry, "cache.store.failures", "reason", "too_large")).isZero();
            assertThatThrownBy(() -> cache.set(bytes("too-large"), new byte[8192]))
                    .isInstanceOf(ValueTooLargeException.class);
            assertThat(count(registry, "cache.store.failures", "reason", "too_large")).isEqualTo(1);
            assertThat(count(registry, "cache.puts")).as("a refused value is not a put").isEqualTo(103);

            for (Meter meter : registry.getMeters()) {
                assertThat(meter.getId().getTag("cache")).as("%s", meter.getId()).isEqualTo("things");
                assertThat(meter.getId().getTag("app")).as("%s", meter.getId()).isEqualTo("demo");
            }
        }
    }

    @Test
    void theDescriptionsSayWhichCountsAreThisInstancesAndWhichAreFileWide() {
        try (FastMmap cache = FastMmap.builder(dir.resolve("c.fmm")).pageCount(2).pageSize(4096).enableStats(true)
                .build()) {
            FastMmapMetrics.monitor(registry, cache, "things");
            for (String name : List.of("cache.gets", "cache.puts", "cache.removals")) {
                for (Meter meter : registry.find(name).meters()) {
                    assertThat(meter.getId().getDescription()).as(name)
                            .contains("by this FastMmap instance only").contains("enableStats(true)");
                }
            }
            for (String name : List.of("cache.expirations", "cache.lock.recoveries", "cache.page.repairs",
                    "cache.data.used", "cache.data.free")) {
                assertThat(registry.find(name).meter().getId().getDescription()).as(name)
                        .contains("by every process sharing the cache file");
            }
        }
    }

    @Test
    void withoutEnableStatsOnlyTheFileWideMetersAreRegisteredAndALogLineSaysWhy() {
        List<LogRecord> records = new ArrayList<>();
        Logger logger = Logger.getLogger(FastMmapMetrics.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (FastMmap cache = FastMmap.builder(dir.resolve("plain.fmm")).pageCount(2).pageSize(4096).build()) {
            FastMmapMetrics.monitor(registry, cache, "plain");
            cache.set(bytes("a"), bytes("1"));
            cache.get(bytes("a"));

            assertThat(registry.find("cache.gets").meters()).isEmpty();
            assertThat(registry.find("cache.puts").meters()).isEmpty();
            assertThat(registry.find("cache.removals").meters()).isEmpty();
            assertThat(gauge(registry, "cache.size")).isEqualTo(1);
            assertThat(count(registry, "cache.evictions")).isZero();
            assertThat(gauge(registry, "cache.data.used")).isPositive();
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.getLevel()).isEqualTo(Level.INFO);
                assertThat(record.getMessage()).contains("'plain'").contains(cache.file().toString())
                        .contains("enableStats(true)");
            });
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aTypedCachesReadsAndWritesAreCounted() {
        FastMmap raw = FastMmap.builder(dir.resolve("typed.fmm")).pageCount(2).pageSize(4096).enableStats(true)
                .build();
        try (TypedCache<String, String> cache = TypedCache.builder(raw, Codec.utf8(), Codec.utf8())
                .build()) {
            assertThat(FastMmapMetrics.monitor(registry, cache, "typed")).isSameAs(cache);
            cache.put("k", "v");
            assertThat(cache.get("k")).isEqualTo("v");
            assertThat(cache.get("absent")).isNull();
            assertThat(count(registry, "cache.gets", "result", "hit")).isEqualTo(1);
            assertThat(count(registry, "cache.gets", "result", "miss")).isEqualTo(1);
            assertThat(count(registry, "cache.puts")).isEqualTo(1);
            assertThat(gauge(registry, "cache.size")).isEqualTo(1);
        }
    }

    @Test
    void aClosedCacheReadsAsNotANumberInsteadOfFailingTheScrape() {
        FastMmap cache = FastMmap.builder(dir.resolve("closed.fmm")).pageCount(2).pageSize(4096).enableStats(true)
                .build();
        FastMmapMetrics.monitor(registry, cache, "closed");
        cache.set(bytes("a"), bytes("1"));
        cache.close();
        assertThat(count(registry, "cache.puts")).isNaN();
        assertThat(count(registry, "cache.expirations")).isNaN();
        assertThat(gauge(registry, "cache.data.used")).isNaN();
        assertThat(gauge(registry, "cache.size")).isZero();
        Search all = registry.find("cache.evictions");
        assertThat(all.functionCounter().count()).isZero();
    }
}
