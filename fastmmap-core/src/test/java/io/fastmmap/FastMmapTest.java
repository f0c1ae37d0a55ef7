package io.fastmmap;

import static io.fastmmap.Bytes.ofLong;
import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.toLong;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastMmapTest {
    @TempDir
    Path directory;

    private FastMmap small() {
        return FastMmap.builder(directory.resolve("cache.fmm")).pageCount(3).pageSize(4096).build();
    }

    @Test
    void shouldStoreReadReplaceAndRemoveValues() {
        try (FastMmap cache = small()) {
            assertThat(cache.get(utf8("hello"))).isNull();
            cache.set(utf8("hello"), utf8("world"));
            assertThat(text(cache.get(utf8("hello")))).isEqualTo("world");
            cache.set(utf8("hello"), utf8("there"));
            assertThat(text(cache.get(utf8("hello")))).isEqualTo("there");
            assertThat(cache.exists(utf8("hello"))).isTrue();
            assertThat(cache.remove(utf8("hello"))).isTrue();
            assertThat(cache.remove(utf8("hello"))).isFalse();
            assertThat(cache.exists(utf8("hello"))).isFalse();
            assertThat(cache.get(utf8("hello"))).isNull();
        }
    }

    @Test
    void shouldTreatEmptyKeysAndValuesAsOrdinaryEntries() {
        try (FastMmap cache = small()) {
            cache.set(new byte[0], new byte[0]);
            assertThat(cache.get(new byte[0])).isEmpty();
            cache.set(new byte[0], utf8("x"));
            assertThat(text(cache.get(new byte[0]))).isEqualTo("x");
        }
    }

    @Test
    void shouldReturnCopiesThatCallersMayChange() {
        try (FastMmap cache = small()) {
            byte[] value = utf8("abc");
            cache.set(utf8("k"), value);
            value[0] = 'z';
            byte[] read = cache.get(utf8("k"));
            read[1] = 'z';
            assertThat(text(cache.get(utf8("k")))).isEqualTo("abc");
        }
    }

    @Test
    void shouldMatchAModelOverManyRandomOperationsWithCompaction() {
        Random random = new Random(42);
        Map<String, byte[]> model = new HashMap<>();
        // Roomy enough that nothing is evicted, small enough that pages compact often.
        try (FastMmap cache = FastMmap.builder(directory.resolve("model.fmm")).pageCount(8).pageSize(16384).build()) {
            for (int i = 0; i < 50_000; i++) {
                String key = "key-" + random.nextInt(120);
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        byte[] value = Bytes.filled(random.nextInt(300), i);
                        cache.set(utf8(key), value);
                        model.put(key, value);
                    }
                    case 2 -> assertThat(cache.remove(utf8(key))).isEqualTo(model.remove(key) != null);
                    default -> assertThat(cache.get(utf8(key))).isEqualTo(model.get(key));
                }
            }
            for (Map.Entry<String, byte[]> entry : model.entrySet()) {
                assertThat(cache.get(utf8(entry.getKey()))).as(entry.getKey()).isEqualTo(entry.getValue());
            }
            assertThat(cache.stats().evictionCount()).isZero();
        }
    }

    @Test
    void getAndSetShouldStoreTheResultAndReturnIt() {
        try (FastMmap cache = small()) {
            byte[] first = cache.getAndSet(utf8("n"), old -> ofLong(old == null ? 1 : toLong(old) + 1));
            byte[] second = cache.getAndSet(utf8("n"), old -> ofLong(old == null ? 1 : toLong(old) + 1));
            assertThat(toLong(first)).isEqualTo(1);
            assertThat(toLong(second)).isEqualTo(2);
            assertThat(toLong(cache.get(utf8("n")))).isEqualTo(2);
        }
    }

    @Test
    void getAndSetShouldRemoveTheKeyWhenTheUpdateReturnsNull() {
        try (FastMmap cache = small()) {
            cache.set(utf8("k"), utf8("v"));
            List<String> seen = new ArrayList<>();
            assertThat(cache.getAndSet(utf8("k"), old -> {
                seen.add(text(old));
                return null;
            })).isNull();
            assertThat(seen).containsExactly("v");
            assertThat(cache.exists(utf8("k"))).isFalse();
            assertThat(cache.getAndSet(utf8("absent"), old -> null)).isNull();
        }
    }

    @Test
    void getAndSetShouldStoreNothingWhenTheUpdateReturnsItsArgument() {
        ManualClock clock = new ManualClock();
        try (FastMmap cache = FastMmap.builder(directory.resolve("c.fmm")).pageCount(1).pageSize(4096).clock(clock)
                .expireAfterWrite(java.time.Duration.ofSeconds(10)).build()) {
            cache.set(utf8("k"), utf8("v"));
            clock.advance(java.time.Duration.ofSeconds(6));
            byte[] returned = cache.getAndSet(utf8("k"), old -> {
                old[0] = 'x'; // changes to the given array are not stored either
                return old;
            });
            assertThat(text(returned)).isEqualTo("x");
            assertThat(text(cache.get(utf8("k")))).isEqualTo("v");
            clock.advance(java.time.Duration.ofSeconds(5));
            assertThat(cache.get(utf8("k"))).as("no store, so the expiry was not extended").isNull();
        }
    }

    @Test
    void anUpdateThatThrowsShouldChangeNothingAndLeaveThePageUnlocked() {
        try (FastMmap cache = small()) {
            cache.set(utf8("k"), utf8("v"));
            assertThatThrownBy(() -> cache.getAndSet(utf8("k"), old -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(text(cache.get(utf8("k")))).isEqualTo("v");
            cache.set(utf8("k"), utf8("w"));
            assertThat(text(cache.get(utf8("k")))).isEqualTo("w");
        }
    }

    @Test
    void anUpdateThatCallsTheCacheShouldFailInsteadOfDeadlocking() {
        try (FastMmap cache = small()) {
            assertThatThrownBy(() -> cache.getAndSet(utf8("k"), old -> cache.get(utf8("other"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must not call the cache");
            assertThatThrownBy(() -> cache.getAndSet(utf8("k"), old -> cache.get(utf8("k"))))
                    .isInstanceOf(IllegalStateException.class);
            cache.set(utf8("k"), utf8("fine"));
            assertThat(text(cache.get(utf8("k")))).isEqualTo("fine");
        }
    }

    @Test
    void anUpdateThatCallsAnotherCacheShouldFailToo() {
        try (FastMmap cache = small();
                FastMmap other = FastMmap.builder(directory.resolve("other.fmm")).pageCount(1).pageSize(4096).build()) {
            assertThatThrownBy(() -> cache.getAndSet(utf8("k"), old -> other.get(utf8("x"))))
                    .isInstanceOf(IllegalStateException.class);
            other.set(utf8("x"), utf8("y"));
            assertThat(text(other.get(utf8("x")))).isEqualTo("y");
        }
    }

    @Test
    void getAndRemoveShouldReturnTheOldValueAndRemoveIt() {
        try (FastMmap cache = small()) {
            cache.set(utf8("k"), utf8("v"));
            assertThat(text(cache.getAndRemove(utf8("k")))).isEqualTo("v");
            assertThat(cache.get(utf8("k"))).isNull();
            assertThat(cache.getAndRemove(utf8("k"))).isNull();
        }
    }

    @Test
    void clearShouldEmptyEveryPage() {
        try (FastMmap cache = small()) {
            for (int i = 0; i < 50; i++) {
                cache.set(utf8("k" + i), utf8("v" + i));
            }
            cache.clear();
            for (int i = 0; i < 50; i++) {
                assertThat(cache.get(utf8("k" + i))).isNull();
            }
            cache.set(utf8("after"), utf8("clear"));
            assertThat(text(cache.get(utf8("after")))).isEqualTo("clear");
        }
    }

    @Test
    void twoInstancesInOneJvmShouldShareTheFile() {
        Path file = directory.resolve("shared.fmm");
        try (FastMmap a = FastMmap.builder(file).build(); FastMmap b = FastMmap.builder(file).build()) {
            a.set(utf8("k"), utf8("from a"));
            assertThat(text(b.get(utf8("k")))).isEqualTo("from a");
            a.close();
            assertThat(text(b.get(utf8("k")))).as("closing one leaves the other working").isEqualTo("from a");
            assertThatThrownBy(() -> a.get(utf8("k"))).isInstanceOf(CacheClosedException.class);
        }
    }

    @Test
    void eachInstanceShouldWaitForALiveHolderOnlyAsLongAsItsOwnLockTimeout() throws Exception {
        Path file = directory.resolve("timeout.fmm");
        try (FastMmap patient = FastMmap.builder(file).pageCount(1).pageSize(4096).build();
                FastMmap hasty = FastMmap.builder(file).pageCount(1).pageSize(4096)
                        .lockTimeout(java.time.Duration.ofMillis(300)).build()) {
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread holder = new Thread(() -> patient.getAndSet(utf8("k"), old -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return utf8("held");
            }));
            holder.start();
            holding.await();
            long start = System.nanoTime();
            assertThatThrownBy(() -> hasty.get(utf8("k")))
                    .isInstanceOf(LockTimeoutException.class).hasMessageContaining("page 0");
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMillis).isBetween(250L, 5_000L);
            release.countDown();
            holder.join();
            assertThat(text(hasty.get(utf8("k")))).isEqualTo("held");
            assertThat(hasty.stats().lockRecoveryCount()).as("a live holder is never taken over").isZero();
        }
    }

    @Test
    void valuesShouldSurviveCloseAndReopen() {
        Path file = directory.resolve("persist.fmm");
        try (FastMmap cache = FastMmap.builder(file).build()) {
            cache.set(utf8("k"), utf8("kept"));
        }
        try (FastMmap cache = FastMmap.builder(file).build()) {
            assertThat(text(cache.get(utf8("k")))).isEqualTo("kept");
        }
    }

    @Test
    void recreateShouldWipeAnExistingFile() {
        Path file = directory.resolve("wipe.fmm");
        try (FastMmap cache = FastMmap.builder(file).build()) {
            cache.set(utf8("k"), utf8("old"));
        }
        try (FastMmap cache = FastMmap.builder(file).recreate(true).build()) {
            assertThat(cache.get(utf8("k"))).isNull();
        }
    }

    @Test
    void deleteOnCloseShouldRemoveTheFile() {
        Path file = directory.resolve("gone.fmm");
        try (FastMmap cache = FastMmap.builder(file).deleteOnClose(true).build()) {
            cache.set(utf8("k"), utf8("v"));
            assertThat(file).exists();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void shouldCreatePrivateFilesAndDirectories() throws Exception {
        Path file = directory.resolve("a/b/cache.fmm");
        try (FastMmap cache = FastMmap.builder(file).build()) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(file.getParent()))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(file.getParent().getParent()))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
        Path shared = directory.resolve("group.fmm");
        try (FastMmap cache = FastMmap.builder(shared)
                .filePermissions(PosixFilePermissions.fromString("rw-rw----")).build()) {
            assertThat(Files.getPosixFilePermissions(shared)).contains(PosixFilePermission.GROUP_WRITE);
        }
    }

    @Test
    void closeShouldBeIdempotentAndLaterCallsShouldFailClearly() {
        FastMmap cache = small();
        cache.close();
        cache.close();
        assertThatThrownBy(() -> cache.set(utf8("k"), utf8("v")))
                .isInstanceOf(CacheClosedException.class).hasMessageContaining("cache.fmm");
    }

    @Test
    void nullArgumentsShouldBeRejected() {
        try (FastMmap cache = small()) {
            assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> cache.set(utf8("k"), null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> cache.getAndSet(utf8("k"), null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void threadsShouldNeverLoseAnIncrement() throws Exception {
        try (FastMmap cache = small()) {
            int threads = 4;
            int increments = 5_000;
            AtomicInteger failures = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    for (int i = 0; i < increments; i++) {
                        try {
                            cache.getAndSet(utf8("counter-" + (i % 3)),
                                    old -> ofLong(old == null ? 1 : toLong(old) + 1));
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            long total = 0;
            for (int k = 0; k < 3; k++) {
                total += toLong(cache.get(utf8("counter-" + k)));
            }
            assertThat(failures).hasValue(0);
            assertThat(total).isEqualTo((long) threads * increments);
        }
    }

    @Test
    void interruptsShouldNeitherBreakLockingNorCloseTheFile() throws Exception {
        try (FastMmap cache = small()) {
            int threads = 4;
            int increments = 3_000;
            List<Thread> workers = new ArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    for (int i = 0; i < increments; i++) {
                        try {
                            cache.getAndSet(utf8("c"), old -> ofLong(old == null ? 1 : toLong(old) + 1));
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                workers.add(worker);
                worker.start();
            }
            Random random = new Random(7);
            while (workers.stream().anyMatch(Thread::isAlive)) {
                workers.get(random.nextInt(threads)).interrupt();
                Thread.onSpinWait();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            assertThat(failures).hasValue(0);
            assertThat(toLong(cache.get(utf8("c")))).isEqualTo((long) threads * increments);
        }
    }

    @Test
    void reservedOptionsRefuseTheirSettersWithTheOwnersReasonAndLeaveTheOthersFree() {
        FastMmap.Builder builder = FastMmap.builder(directory.resolve("r.fmm"))
                .expireAfterWrite(java.time.Duration.ofMinutes(5))
                .reserve("the session store sets it from maxInactiveIntervalLimit", "expireAfterWrite", "clock");
        assertThatThrownBy(() -> builder.expireAfterWrite(java.time.Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the cache option expireAfterWrite cannot be set here: the session store sets it from"
                        + " maxInactiveIntervalLimit");
        assertThatThrownBy(() -> builder.clock(java.time.Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clock");
        assertThatThrownBy(() -> builder.reserve("x", "ttl")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"ttl\"").hasMessageContaining("expireAfterWrite");
        try (FastMmap cache = builder.pageCount(2).pageSize(4096).build()) {
            assertThat(cache.file()).isEqualTo(directory.resolve("r.fmm"));
        }
    }
}
