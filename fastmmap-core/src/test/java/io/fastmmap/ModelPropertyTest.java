package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * T6, stateful property test: random chains of public API calls run against the cache and against a plain map with
 * expiry times, on a manual clock that moves forward and jumps back (NTP corrections), with the cache closed and
 * reopened mid-chain. After every step the cache must answer as the model does; jqwik shrinks any failure to a
 * shortest chain.
 *
 * <p>The pages are large enough that nothing is ever compacted or evicted within a chain, so the model is exact:
 * an expired entry is invisible but still stored, and comes back if the clock jumps back before anything drops it
 * ({@link FastMmap#purge()} and {@link FastMmap#clear()} do, in the model too).
 */
class ModelPropertyTest {
    private static final int KEYS = 10;
    private static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    private final List<Harness> open = new ArrayList<>();

    @Property(tries = 200)
    void theCacheShouldAnswerLikeAMapWithExpiryTimes(@ForAll("chains") ActionChain<Harness> chain) {
        chain.run();
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
                        Transformer.mutate("set " + key + " (" + value.length + " bytes, ttl " + ttl + " ms)",
                                harness -> harness.set(key, value, ttl)))))
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

    /** @return 0 for the cache's default time to live, else a ttl in milliseconds */
    private static Arbitrary<Long> ttls() {
        return Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 30_000));
    }

    /** The cache and the model side by side. */
    static final class Harness {
        private record Entry(byte[] value, long expireAtMillis) {
        }

        private final ManualClock clock = new ManualClock();
        private final Map<String, Entry> model = new HashMap<>();
        private final Path directory;
        private final Path file;
        private FastMmap cache;

        Harness() {
            try {
                directory = Files.createTempDirectory("fastmmap-model-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file = directory.resolve("model.fmm");
            cache = open();
        }

        private FastMmap open() {
            return FastMmap.builder(file).pageCount(2).pageSize(64 * 1024).expireAfterWrite(DEFAULT_TTL).clock(clock)
                    .build();
        }

        private byte[] live(String key) {
            Entry entry = model.get(key);
            return entry == null || clock.millis() >= entry.expireAtMillis() ? null : entry.value();
        }

        void set(String key, byte[] value, long ttlMillis) {
            if (ttlMillis == 0) {
                cache.set(Bytes.utf8(key), value);
                model.put(key, new Entry(value, clock.millis() + DEFAULT_TTL.toMillis()));
            } else {
                cache.set(Bytes.utf8(key), value, Duration.ofMillis(ttlMillis));
                model.put(key, new Entry(value, clock.millis() + ttlMillis));
            }
            check();
        }

        void get(String key) {
            assertThat(cache.get(Bytes.utf8(key))).as("get %s", key).isEqualTo(live(key));
        }

        void remove(String key) {
            boolean wasLive = live(key) != null;
            assertThat(cache.remove(Bytes.utf8(key))).as("remove %s", key).isEqualTo(wasLive);
            model.remove(key);
            check();
        }

        void getAndRemove(String key) {
            assertThat(cache.getAndRemove(Bytes.utf8(key))).as("getAndRemove %s", key).isEqualTo(live(key));
            model.remove(key);
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
                model.remove(key);
            } else if (how != 2) {
                model.put(key, new Entry(expected, clock.millis() + DEFAULT_TTL.toMillis()));
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
            check();
        }

        void clear() {
            cache.clear();
            model.clear();
            check();
        }

        /** Every key reads as the model says, nothing was evicted, and the file passes verify. */
        private void check() {
            for (int i = 0; i < KEYS; i++) {
                String key = "k" + i;
                assertThat(cache.get(Bytes.utf8(key))).as("key %s at %d", key, clock.millis()).isEqualTo(live(key));
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

        @Override
        public String toString() {
            return "Harness[now=" + clock.millis() + ", model keys=" + model.keySet() + "]";
        }
    }
}
