package io.fastmmap.perl;

import static io.fastmmap.perl.PerlProcess.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.LockTimeoutException;
import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Perl and Java processes (JDK 17 and JDK 25) on one file at the same time: the fcntl page locks exclude them all,
 * and a lock of a process killed with SIGKILL goes with the process (the kernel drops a dead process's fcntl locks),
 * whichever side dies.
 */
class PerlCacheProcessesTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    private static final int PAGES = 7;
    private static final int PAGE_SIZE = 8192;
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private PerlCache open(Path file, Duration lockTimeout) {
        return PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).lockTimeout(lockTimeout).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoPerlAndTwoJavaProcessesIncrementTheSameKeysExactly() throws Exception {
        Path file = dir.resolve("share");
        Path go = dir.resolve("go");
        int keys = 10;
        int perlIterations = 4000;
        int javaIterations = 4000;
        try (PerlCache cache = open(file, Duration.ofSeconds(10));
                PerlProcess perl1 = PerlProcess.cache(file, PAGES, PAGE_SIZE, "incr", "c", "" + keys,
                        "" + perlIterations, go.toString());
                PerlProcess perl2 = PerlProcess.cache(file, PAGES, PAGE_SIZE, "incr", "c", "" + keys,
                        "" + perlIterations, go.toString());
                ChildJvm java17 = incrementer("java17", ChildJvm.Jdk.JDK17, file, keys, javaIterations, go);
                ChildJvm java25 = incrementer("java25", ChildJvm.Jdk.JDK25, file, keys, javaIterations, go)) {
            perl1.awaitLine("READY", START);
            perl2.awaitLine("READY", START);
            java17.awaitLine("READY", START);
            java25.awaitLine("READY", START);
            Files.createFile(go);
            perl1.awaitExit(START);
            perl2.awaitExit(START);
            java17.awaitLine("DONE", START);
            java25.awaitLine("DONE", START);

            long expected = (2L * perlIterations + 2L * javaIterations) / keys;
            for (int k = 0; k < keys; k++) {
                assertThat(cache.get(bytes("c" + k))).as("counter c%d", k).asString().isEqualTo("" + expected);
            }
            Map<String, String> perlView = PerlCacheInteropTest.perlDump(file, PAGES, PAGE_SIZE);
            for (int k = 0; k < keys; k++) {
                assertThat(perlView).containsEntry(hex("c" + k), hex("" + expected));
            }
        }
    }

    @Test
    void threadsOfOneJvmExcludeEachOtherToo() throws Exception {
        Path file = dir.resolve("share");
        int threads = 8;
        int iterations = 1000;
        try (PerlCache cache = open(file, Duration.ofSeconds(10))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < iterations; i++) {
                            cache.getAndSet(bytes("t" + (i % 3)), IncrementChild::increment);
                        }
                    }));
                }
                for (Future<?> future : done) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long total = 0;
            for (int k = 0; k < 3; k++) {
                total += Long.parseLong(new String(cache.get(bytes("t" + k)), StandardCharsets.US_ASCII));
            }
            assertThat(total).isEqualTo((long) threads * iterations);
        }
    }

    @Test
    void perlCarriesOnWhenAJavaProcessHoldingThePageLockIsKilled() {
        Path file = dir.resolve("share");
        try (PerlCache cache = open(file, Duration.ofSeconds(10))) {
            cache.set(bytes("held"), bytes("before"));
            for (ChildJvm.Jdk jdk : ChildJvm.Jdk.values()) {
                try (ChildJvm holder = ChildJvm.start("holder" + jdk.version(), jdk, dir.resolve("jvm"),
                        IncrementChild.class, List.of(file.toString(), "" + PAGES, "" + PAGE_SIZE, "hold", "held"))) {
                    holder.awaitLine("HOLDING", START);
                    try (PerlProcess perl = PerlProcess.cache(file, PAGES, PAGE_SIZE, "get", hex("held"))) {
                        // Perl's F_SETLKW waits on the Java process's lock ...
                        assertThatThrownBy(() -> perl.awaitLine("VALUE", Duration.ofSeconds(1)))
                                .isInstanceOf(AssertionError.class).hasMessageContaining("did not print");
                        holder.kill();
                        // ... and gets it as soon as the kernel drops the dead process's fcntl locks.
                        assertThat(perl.awaitLine("VALUE", Duration.ofSeconds(20)))
                                .isEqualTo("VALUE " + hex("before"));
                    }
                }
            }
        }
    }

    @Test
    void javaCarriesOnWhenAPerlProcessHoldingThePageLockIsKilled() {
        Path file = dir.resolve("share");
        try (PerlCache cache = open(file, Duration.ofMillis(500))) {
            cache.set(bytes("held"), bytes("1"));
            try (PerlProcess holder = PerlProcess.cache(file, PAGES, PAGE_SIZE, "hold", hex("held"))) {
                holder.awaitLine("HOLDING", START);
                assertThatThrownBy(() -> cache.getAndSet(bytes("held"), IncrementChild::increment))
                        .isInstanceOf(LockTimeoutException.class).hasMessageContaining("another process")
                        .hasMessageContaining(file.toString());
                holder.kill9();
            }
            // The holder was killed with SIGKILL in its get_and_set callback: its lock went with it, the timed-out
            // call changed nothing, and Perl's callback never stored.
            assertThat(cache.get(bytes("held"))).asString().isEqualTo("1");
            assertThat(cache.getAndSet(bytes("held"), IncrementChild::increment)).asString().isEqualTo("2");
        }
    }

    @Test
    void javaKilledAtAnyMomentNeverLeavesAHeaderPerlRefuses() throws Exception {
        Path file = dir.resolve("share");
        open(file, Duration.ofSeconds(10)).close();
        java.util.Random random = new java.util.Random(11);
        for (int kill = 0; kill < 8; kill++) {
            try (ChildJvm churn = ChildJvm.start("churn" + kill, ChildJvm.Jdk.alternating(kill), dir.resolve("jvm"),
                    IncrementChild.class, List.of(file.toString(), "" + PAGES, "" + PAGE_SIZE, "churn", "" + kill))) {
                churn.awaitLine("CHURNING", START);
                Thread.sleep(random.nextInt(400));
                churn.kill(); // SIGKILL, at whatever instruction it is
            }
            // get_statistics locks every page; 1.57 croaks (and keeps the lock) on a header failing its checks.
            assertThat(PerlProcess.run(file, PAGES, PAGE_SIZE, "stats")).as("after kill %d", kill)
                    .singleElement().asString().startsWith("PAGES OK");
            // Java follows every slot and probe (it would report a damaged page; a key may miss when its page was
            // being compacted) ...
            try (PerlCache cache = open(file, Duration.ofSeconds(10))) {
                cache.keys().forEach(cache::get);
            }
            // ... and so does Perl's full page check, which re-initialises a page it finds inconsistent.
            assertThat(PerlProcess.run(Map.of("FASTMMAP_TEST_FILE", "1"), file, PAGES, PAGE_SIZE, "stats"))
                    .as("after kill %d, with test_file => 1", kill).singleElement().asString()
                    .startsWith("PAGES OK");
        }
    }

    private ChildJvm incrementer(String name, ChildJvm.Jdk jdk, Path file, int keys, int iterations, Path go) {
        return ChildJvm.start(name, jdk, dir.resolve("jvm"), IncrementChild.class, List.of(file.toString(),
                "" + PAGES, "" + PAGE_SIZE, "incr", "c", "" + keys, "" + iterations, go.toString()));
    }
}
