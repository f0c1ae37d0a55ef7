package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * T6, stateful property test: random chains of public API calls run against the cache and against a plain map with
 * expiry times, on a manual clock that moves forward and jumps back (NTP corrections), with the cache closed and
 * reopened mid-chain. After every step the cache must answer as the model does; jqwik shrinks any failure to a
 * shortest chain. Times to live include the edges (sub-millisecond, zero and negative ones that must be refused,
 * Durations too long for a millisecond count that must saturate), the clock visits the exact instant a key expires
 * and the millisecond before, and goes back before 1970 where an expiry can land on the file's "never" (0).
 *
 * <p>The pages are large enough that nothing is ever evicted within a chain, but they are compacted: by
 * {@link FastMmap#purge()} and {@link FastMmap#clear()} (the model does what they do), and by a write of a new key
 * into a page whose slot table is three-quarters full (clear and purge leave small slot tables). A compaction drops
 * every entry already expired at that moment, and which page a key lands on depends on the file's random hash seed,
 * so the model cannot know whether a given write compacted. An expired entry is invisible but may still be stored:
 * if the clock jumps back before its expiry, it comes back unless a compaction dropped it meanwhile. So the model
 * marks every key whose expiry the clock has reached while it was stored as "maybe dropped"; when it is live again,
 * the cache may answer its value or nothing, and nothing removes it from the model. Everything else is exact.
 */
class ModelPropertyTest {
    private static final int KEYS = 10;
    private static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    private final List<Harness> open = new ArrayList<>();

    @Property(tries = 200)
    void theCacheShouldAnswerLikeAMapWithExpiryTimes(@ForAll("chains") ActionChain<Harness> chain) {
        chain.run();
    }

    /**
     * The chain that once failed at random (the cache file's random hash seed decided whether it could): k4 expires
     * at the epoch, the clock passes it, a new key fills the page's slot table past three-quarters so the page is
     * compacted, which drops the expired k4; with the clock set back before 1970 k4 would be live, but it is gone.
     * One page makes the compaction certain: clear leaves it 8 slots, the seventh key compacts it.
     */
    @Example
    void anExpiredEntryDroppedByACompactionStaysGoneWhenTheClockGoesBack() {
        Harness harness = expiredK4ThenWrites(List.of("k0", "k1", "k2", "k3", "k5", "k6"));
        assertThat(harness.modelKeys()).as("k4, dropped by the compaction, left the model too")
                .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k5", "k6");
    }

    /** One key fewer, no compaction: k4 is still stored, and the model still insists that it comes back. */
    @Example
    void anExpiredEntryNoCompactionDroppedComesBackWhenTheClockGoesBack() {
        Harness harness = expiredK4ThenWrites(List.of("k0", "k1", "k2", "k3", "k5"));
        assertThat(harness.modelKeys()).contains("k4");
    }

    private Harness expiredK4ThenWrites(List<String> keys) {
        Harness harness = new Harness(1);
        open.add(harness);
        harness.set("k0", new byte[] {0}, null);
        harness.clear();
        harness.setClock(-500);
        harness.setExpiringOnTheEpoch("k4", new byte[] {4});
        harness.moveClockToExpiryOf("k4", 0);
        for (String key : keys) {
            harness.set(key, new byte[] {1}, null);
        }
        harness.setClock(-40_000);
        harness.get("k4");
        return harness;
    }

    @AfterTry
    void closeCaches() {
        open.forEach(Harness::close);
        open.clear();
    }

    @Provide
    Arbitrary<ActionChain<Harness>> chains() {
        return ActionChain.startWith(() -> {
            Harness harness = new Harness();
            open.add(harness);
            return harness;
        })
                .withAction(4, independent(Combinators.combine(keys(), values(), ttls()).as((key, value, ttl) ->
                        Transformer.mutate("set " + key + " (" + value.length + " bytes, ttl " + ttl + ")",
                                harness -> harness.set(key, value, ttl)))))
                .withAction(1, independent(Combinators.combine(keys(), values()).as((key, value) ->
                        Transformer.mutate("set " + key + " to expire on the epoch",
                                harness -> harness.setExpiringOnTheEpoch(key, value)))))
                .withAction(1, independent(Combinators.combine(keys(), Arbitraries.integers().between(-1, 0))
                        .as((key, shift) -> Transformer.mutate("clock to " + key + "'s expiry " + shift + " ms",
                                harness -> harness.moveClockToExpiryOf(key, shift)))))
                .withAction(1, independent(Arbitraries.longs().between(-40_000, -1).map(millis -> Transformer.mutate(
                        "clock set to " + millis + " ms (before 1970)", harness -> harness.setClock(millis)))))
                .withAction(4, independent(keys().map(key -> Transformer.mutate("get " + key,
                        harness -> harness.get(key)))))
                .withAction(2, independent(keys().map(key -> Transformer.mutate("remove " + key,
                        harness -> harness.remove(key)))))
                .withAction(2, independent(keys().map(key -> Transformer.mutate("getAndRemove " + key,
                        harness -> harness.getAndRemove(key)))))
                .withAction(2, independent(keys().map(key -> Transformer.mutate("exists " + key,
                        harness -> harness.exists(key)))))
                .withAction(3, independent(Combinators.combine(keys(), Arbitraries.integers().between(0, 3))
                        .as((key, how) -> Transformer.mutate("getAndSet " + key + " #" + how,
                                harness -> harness.getAndSet(key, how)))))
                .withAction(3, independent(Arbitraries.longs().between(1, 15_000).map(millis -> Transformer.mutate(
                        "clock +" + millis + " ms", harness -> harness.moveClock(millis)))))
                .withAction(1, independent(Arbitraries.longs().between(1, 20_000).map(millis -> Transformer.mutate(
                        "clock jumps back " + millis + " ms", harness -> harness.moveClock(-millis)))))
                .withAction(1, independent(Arbitraries.just(Transformer.mutate("reopen", Harness::reopen))))
                .withAction(1, independent(Arbitraries.just(Transformer.mutate("purge", Harness::purge))))
                .withAction(1, independent(Arbitraries.just(Transformer.mutate("clear", Harness::clear))))
                .withMaxTransformations(60);
    }

    private static Action.Independent<Harness> independent(Arbitrary<Transformer<Harness>> transformers) {
        return () -> transformers;
    }

    private static Arbitrary<String> keys() {
        return Arbitraries.integers().between(0, KEYS - 1).map(i -> "k" + i);
    }

    private static Arbitrary<byte[]> values() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
    }

    /**
     * @return null for the cache's default time to live, else a time to live: ordinary, sub-millisecond, at the
     *     edges of Duration and of a millisecond count (which must saturate, not wrap), or zero and negative (which
     *     must be refused without changing anything)
     */
    private static Arbitrary<Duration> ttls() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(null)),
                Tuple.of(6, Arbitraries.longs().between(1, 30_000).map(Duration::ofMillis)),
                Tuple.of(2, Arbitraries.longs().between(1, 3_000_000).map(Duration::ofNanos)),
                Tuple.of(2, Arbitraries.of(Duration.ofMillis(Long.MAX_VALUE), Duration.ofMillis(Long.MAX_VALUE)
                        .plusNanos(1), Duration.ofMillis(Long.MAX_VALUE).minusMillis(1).plusNanos(999_999),
                        Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofDays(365L * 300))),
                Tuple.of(1, Arbitraries.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofMillis(-5),
                        Duration.ofSeconds(Long.MIN_VALUE))));
    }

    /**
     * The model's expiry, from the documented rules and not from the engine's arithmetic: a time to live rounds up
     * to whole milliseconds, an expiry past the end of a long saturates (never, in practice), and an expiry that
     * lands on the epoch itself is one millisecond after it (0 means "no expiry" in the file).
     */
    static long modelExpireAtMillis(long nowMillis, Duration ttl) {
        BigInteger nanos = BigInteger.valueOf(ttl.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000))
                .add(BigInteger.valueOf(ttl.getNano()));
        BigInteger[] millis = nanos.divideAndRemainder(BigInteger.valueOf(1_000_000));
        BigInteger ttlMillis = millis[1].signum() == 0 ? millis[0] : millis[0].add(BigInteger.ONE);
        BigInteger at = BigInteger.valueOf(nowMillis).add(ttlMillis);
        if (at.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
            return Long.MAX_VALUE;
        }
        return at.signum() == 0 ? 1 : at.longValueExact();
    }

    /** The cache and the model side by side. */
    static final class Harness {
        private record Entry(byte[] value, long expireAtMillis) {
        }

        private final ManualClock clock = new ManualClock();
        private final Map<String, Entry> model = new HashMap<>();
        /** keys whose expiry the clock has reached since they were stored: a compaction may have dropped them */
        private final Set<String> maybeDropped = new HashSet<>();
        private final Path directory;
        private final Path file;
        private FastMmap cache;

        private final int pageCount;

        Harness() {
            this(2);
        }

        /** @param pageCount 1 puts every key on one page, so that page's slot table fills (and compacts) first */
        Harness(int pageCount) {
            this.pageCount = pageCount;
            try {
                directory = Files.createTempDirectory("fastmmap-model-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file = directory.resolve("model.fmm");
            cache = open();
        }

        private FastMmap open() {
            return FastMmap.builder(file).pageCount(pageCount).pageSize(64 * 1024).expireAfterWrite(DEFAULT_TTL).clock(clock)
                    .build();
        }

        private byte[] live(String key) {
            Entry entry = model.get(key);
            return entry == null || clock.millis() >= entry.expireAtMillis() ? null : entry.value();
        }

        void set(String key, byte[] value, Duration ttl) {
            if (ttl == null) {
                cache.set(Bytes.utf8(key), value);
                store(key, new Entry(value, modelExpireAtMillis(clock.millis(), DEFAULT_TTL)));
            } else if (ttl.isNegative() || ttl.isZero()) {
                assertThatThrownBy(() -> cache.set(Bytes.utf8(key), value, ttl))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl=" + ttl);
            } else {
                cache.set(Bytes.utf8(key), value, ttl);
                store(key, new Entry(value, modelExpireAtMillis(clock.millis(), ttl)));
            }
            check();
        }

        /** Before 1970, a time to live of exactly -now lands the expiry on 0, the file's "never". */
        void setExpiringOnTheEpoch(String key, byte[] value) {
            long now = clock.millis();
            set(key, value, now < 0 ? Duration.ofMillis(-now) : Duration.ofMillis(1));
        }

        /** Moves the clock to a key's expiry (shift 0: it must be gone) or just before it (-1: still there). */
        void moveClockToExpiryOf(String key, int shift) {
            Entry entry = model.get(key);
            if (entry != null && entry.expireAtMillis() < Long.MAX_VALUE / 2) {
                clock.set(entry.expireAtMillis() + shift);
                check();
            }
        }

        void setClock(long epochMillis) {
            clock.set(epochMillis);
            check();
        }

        void get(String key) {
            assertThat(cache.get(Bytes.utf8(key))).as("get %s", key).isEqualTo(live(key));
        }

        void remove(String key) {
            boolean wasLive = live(key) != null;
            assertThat(cache.remove(Bytes.utf8(key))).as("remove %s", key).isEqualTo(wasLive);
            forget(key);
            check();
        }

        void getAndRemove(String key) {
            assertThat(cache.getAndRemove(Bytes.utf8(key))).as("getAndRemove %s", key).isEqualTo(live(key));
            forget(key);
            check();
        }

        void exists(String key) {
            assertThat(cache.exists(Bytes.utf8(key))).as("exists %s", key).isEqualTo(live(key) != null);
        }

        /** how: 0 appends a byte, 1 removes, 2 keeps (returns its argument), 3 replaces with a fresh array */
        void getAndSet(String key, int how) {
            byte[] expectedOld = live(key);
            byte[][] seen = new byte[1][];
            byte[] result = cache.getAndSet(Bytes.utf8(key), old -> {
                seen[0] = old;
                return switch (how) {
                    case 0 -> old == null ? new byte[] {1} : Arrays.copyOf(old, old.length + 1);
                    case 1 -> null;
                    case 2 -> old;
                    default -> Bytes.utf8("fresh-" + key);
                };
            });
            assertThat(seen[0]).as("getAndSet %s saw", key).isEqualTo(expectedOld);
            byte[] expected = switch (how) {
                case 0 -> expectedOld == null ? new byte[] {1} : Arrays.copyOf(expectedOld, expectedOld.length + 1);
                case 1 -> null;
                case 2 -> expectedOld;
                default -> Bytes.utf8("fresh-" + key);
            };
            assertThat(result).as("getAndSet %s returned", key).isEqualTo(expected);
            if (expected == null) { // null, also when "keep" hands back a null it was given, removes the key
                forget(key);
            } else if (how != 2) {
                store(key, new Entry(expected, modelExpireAtMillis(clock.millis(), DEFAULT_TTL)));
            }
            check();
        }

        void moveClock(long millis) {
            clock.advance(Duration.ofMillis(millis));
            check();
        }

        void reopen() {
            cache.close();
            cache = open();
            check();
        }

        void purge() {
            cache.purge();
            model.values().removeIf(entry -> clock.millis() >= entry.expireAtMillis());
            maybeDropped.retainAll(model.keySet());
            check();
        }

        void clear() {
            cache.clear();
            model.clear();
            maybeDropped.clear();
            check();
        }

        private void store(String key, Entry entry) {
            model.put(key, entry);
            maybeDropped.remove(key);
        }

        private void forget(String key) {
            model.remove(key);
            maybeDropped.remove(key);
        }

        /**
         * Every key reads as the model says (a live key that may have been dropped: its value, or nothing and then it
         * leaves the model), nothing was evicted, and the file passes verify. Every clock change ends here, so every
         * clock value a compaction can use has marked what it may drop.
         */
        private void check() {
            model.forEach((key, entry) -> {
                if (clock.millis() >= entry.expireAtMillis()) {
                    maybeDropped.add(key);
                }
            });
            for (int i = 0; i < KEYS; i++) {
                String key = "k" + i;
                byte[] actual = cache.get(Bytes.utf8(key));
                byte[] expected = live(key);
                if (expected != null && maybeDropped.contains(key)) {
                    if (actual == null) {
                        forget(key);
                        continue;
                    }
                    maybeDropped.remove(key); // present and live: no compaction can drop it until it expires again
                }
                assertThat(actual).as("key %s at %d", key, clock.millis()).isEqualTo(expected);
            }
            assertThat(cache.stats().evictionCount()).isZero();
            VerifyReport report = cache.verify();
            assertThat(report.isClean()).as("%s", report).isTrue();
        }

        void close() {
            cache.close();
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // a leftover temporary directory is harmless
            }
        }

        java.util.Set<String> modelKeys() {
            return model.keySet();
        }

        @Override
        public String toString() {
            return "Harness[now=" + clock.millis() + ", model keys=" + model.keySet() + ", maybe dropped="
                    + maybeDropped + "]";
        }
    }
}
