package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheClosedException;
import io.fastmmap.LockTimeoutException;
import io.fastmmap.ValueTooLargeException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PerlCache's API on its own: what a Java user sees, without Perl. */
class PerlCacheApiTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * JDK 22+ with native access enabled (as failsafe runs JDK 25 here) makes the fcntl calls directly; JDK 17 goes
     * through FileChannel. The interop tests (PerlCacheProcessesTest: Perl and Java processes on one file, exact
     * totals) run on both, so both ways exclude Perl.
     */
    @Test
    void pageLocksAreDirectFcntlCallsOnJdk22WithNativeAccessElseFileChannelLocks() throws Exception {
        Path file = dir.resolve("mechanism");
        Files.write(file, new byte[8192]);
        boolean direct = Runtime.version().feature() >= 22 && Boolean.parseBoolean(
                String.valueOf(Module.class.getMethod("isNativeAccessEnabled").invoke(getClass().getModule())));
        try (PageLockCalls calls = PageLockFactory.open(file, 4096, 2)) {
            assertThat(calls.mechanism()).isEqualTo(direct ? "fcntl (direct)" : "FileChannel.tryLock");
            assertThat(calls.tryLock(1)).isTrue();
            calls.unlock(1);
            assertThat(calls.tryLock(1)).as("locked again after the unlock").isTrue();
            calls.unlock(1);
        }
        System.out.println("PerlCacheApiTest: JDK " + Runtime.version().feature() + ": page locks by "
                + (direct ? "direct fcntl" : "FileChannel"));
        if (Runtime.version().feature() >= 22 && "25".equals(System.getProperty("fastmmap.test.jvm"))) {
            assertThat(direct).as("failsafe's JDK 25 run enables native access, so the fast path is tested").isTrue();
        }
    }

    @Test
    void defaultsAreCacheFastMmapsAndTheFileIsCreatedInMissingDirectories() throws Exception {
        Path file = dir.resolve("a/b/share");
        try (PerlCache cache = PerlCache.builder(file).build()) {
            assertThat(cache.pageCount()).isEqualTo(89);
            assertThat(cache.pageSize()).isEqualTo(65536);
            assertThat(Files.size(file)).isEqualTo(89L * 65536);
            assertThat(cache.get(bytes("k"))).isNull();
        }
        try (PerlCache rounded = PerlCache.builder(dir.resolve("r")).pageCount(3).pageSize(5000).build()) {
            assertThat(rounded.pageSize()).as("rounded down to a power of 2, as Perl does").isEqualTo(4096);
        }
    }

    @Test
    void getAndSetReturningNullStoresNothingAndTooLargeValuesKeepTheOldOne() {
        try (PerlCache cache = PerlCache.builder(dir.resolve("share")).pageCount(3).pageSize(4096).build()) {
            assertThat(cache.getAndSet(bytes("k"), old -> null)).isNull();
            assertThat(cache.get(bytes("k"))).isNull();
            cache.set(bytes("k"), bytes("v1"));
            assertThat(cache.getAndSet(bytes("k"), old -> null)).asString().isEqualTo("v1");
            assertThatThrownBy(() -> cache.set(bytes("k"), new byte[4000])).isInstanceOf(ValueTooLargeException.class)
                    .hasMessageContaining("pageSize");
            assertThat(cache.get(bytes("k"))).asString().isEqualTo("v1");
            // Larger than Perl's 40% eviction leaves room for, yet stored: Java evicts further.
            for (int i = 0; i < 200; i++) {
                cache.set(bytes("fill" + i), new byte[40]);
            }
            cache.set(bytes("big"), new byte[3000]);
            assertThat(cache.get(bytes("big"))).hasSize(3000);
        }
    }

    @Test
    void expiryFollowsTheClockInWholeSeconds() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        try (PerlCache cache = PerlCache.builder(dir.resolve("share")).pageCount(3).pageSize(4096)
                .expireAfterWrite(Duration.ofSeconds(10)).clock(clock).build()) {
            cache.set(bytes("default"), bytes("1"));
            cache.set(bytes("own"), bytes("2"), Duration.ofMillis(1500)); // rounded up to 2 s
            clock.millis += 1999;
            assertThat(cache.get(bytes("own"))).isNotNull();
            clock.millis += 1;
            assertThat(cache.get(bytes("own"))).isNull();
            assertThat(cache.get(bytes("default"))).isNotNull();
            clock.millis += 8000;
            assertThat(cache.get(bytes("default"))).isNull();
            assertThat(cache.keys()).isEmpty();
        }
    }

    @Test
    void twoCachesOfOneJvmOnOneFileShareItsLocks() throws Exception {
        Path file = dir.resolve("share");
        try (PerlCache a = PerlCache.builder(file).pageCount(3).pageSize(4096).build();
                PerlCache b = PerlCache.builder(file).pageCount(3).pageSize(4096).build()) {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (PerlCache cache : List.of(a, b, a, b)) {
                runs.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 500; i++) {
                        cache.getAndSet(bytes("n"), IncrementChild::increment);
                    }
                }));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(b.get(bytes("n"))).asString().isEqualTo("2000");
            a.close();
            assertThat(b.getAndSet(bytes("n"), IncrementChild::increment)).as("closing one keeps the other's file")
                    .asString().isEqualTo("2001");
            assertThatThrownBy(() -> a.get(bytes("n"))).isInstanceOf(CacheClosedException.class);
        }
    }

    @Test
    void aPageHeldByAnotherThreadTimesOutWithAClearMessage() throws Exception {
        try (PerlCache cache = PerlCache.builder(dir.resolve("share")).pageCount(3).pageSize(4096)
                .lockTimeout(Duration.ofMillis(200)).build()) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<byte[]> holder = CompletableFuture.supplyAsync(() -> cache.getAndSet(bytes("k"), old -> {
                holding.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return bytes("held");
            }));
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> cache.get(bytes("k"))).isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("another thread of this JVM").hasMessageContaining("200 ms");
            release.countDown();
            assertThat(holder.get(30, TimeUnit.SECONDS)).asString().isEqualTo("held");
            assertThatThrownBy(() -> cache.getAndSet(bytes("k"), old -> cache.get(bytes("k"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("must not use the cache");
        }
    }

    /**
     * Operations retain the open file without a monitor: while another program keeps replacing the file, threads
     * carry on (on the old inode or the new one, never on a closed one), and once the cache is closed every file it
     * opened is closed too (no descriptor left on any of the inodes).
     */
    @Test
    void threadsCarryOnWhileTheFileIsReplacedAndCloseLeavesNoFileOpen() throws Exception {
        Path file = dir.resolve("replaced");
        PerlCache cache = PerlCache.builder(file).pageCount(3).pageSize(4096).fileCheckInterval(Duration.ZERO)
                .build();
        java.util.concurrent.atomic.AtomicLong operations = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String prefix = "t" + t + "-";
            workers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; ; i++) {
                    byte[] key = bytes(prefix + i % 10);
                    try {
                        cache.set(key, key);
                        byte[] read = cache.get(key);
                        assertThat(read == null || new String(read, StandardCharsets.UTF_8).equals(prefix + i % 10))
                                .as("null after a replacement, else the value").isTrue();
                        operations.incrementAndGet();
                    } catch (CacheClosedException e) {
                        assertThat(closed).as("closed only once close() began").isTrue();
                        return;
                    }
                }
            }));
        }
        for (int replacement = 0; replacement < 20; replacement++) {
            Path next = dir.resolve("next");
            PerlCache.builder(next).pageCount(3).pageSize(4096).build().close();
            Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long before = operations.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (operations.get() < before + 200 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(operations.get()).as("operations go on after replacement " + replacement)
                    .isGreaterThanOrEqualTo(before + 200);
        }
        cache.set(bytes("last"), bytes("on the newest file"));
        try (PerlCache reader = PerlCache.builder(file).pageCount(3).pageSize(4096).build()) {
            assertThat(reader.get(bytes("last"))).asString().isEqualTo("on the newest file");
        }
        closed.set(true);
        cache.close();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(descriptorsUnder(dir)).as("descriptors left on the cache's files").isEmpty();
    }

    /** @return this process's open descriptors naming a file under {@code directory} (deleted ones too) */
    private static List<String> descriptorsUnder(Path directory) throws java.io.IOException {
        List<String> open = new ArrayList<>();
        try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : (Iterable<Path>) descriptors::iterator) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith(directory.toString())) {
                        open.add(descriptor.getFileName() + " -> " + target);
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return open;
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
