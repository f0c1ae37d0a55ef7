package io.fastmmap.micrometer;

import static io.fastmmap.micrometer.FastMmapMetricsTest.bytes;
import static io.fastmmap.micrometer.FastMmapMetricsTest.count;
import static io.fastmmap.micrometer.FastMmapMetricsTest.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ChildJvm.Jdk;
import io.fastmmap.process.ChildJvms;
import io.fastmmap.process.HolderChild;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one process's meters show of another process's work on the same file. This JVM binds the meters and does a
 * few known reads and writes; a child JVM (of the other JDK) holding a page lock is killed, and a second child takes
 * that lock over, reads a page this JVM damaged (repairing it), drops expired entries and evicts by writing more
 * than the file holds. Afterwards this JVM's file-wide meters (evictions, expirations, lock recoveries, page repairs,
 * size, space) equal the child's figures, while its cache.gets and cache.puts still count only its own operations.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FastMmapMetricsTwoProcessTest {
    static final int PAGE_COUNT = 2;
    static final int PAGE_SIZE = 16 * 1024;
    static final int SHORT_LIVED = 5;
    static final String HELD = "held-key";
    static final String DAMAGED = "damaged-key";
    static final String DAMAGED_VALUE = "damaged-value:" + "0123456789abcdef".repeat(3);
    static final Duration STARTUP = Duration.ofSeconds(90);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void theSharedFiguresShowTheOtherProcesssWorkAndHitsAndMissesDoNot() throws IOException {
        Jdk parent = Jdk.parent();
        Path file = dir.resolve("shared.fmm");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FastMmap cache = FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).enableStats(true)
                .lockTimeout(Duration.ofSeconds(10)).build()) {
            FastMmapMetrics.monitor(registry, cache, "shared");
            cache.set(bytes(HELD), bytes("old-value"));
            cache.set(bytes(DAMAGED), bytes(DAMAGED_VALUE));
            for (int i = 0; i < SHORT_LIVED; i++) {
                cache.set(bytes("short-" + i), bytes("v" + i), Duration.ofMinutes(1));
            }
            cache.get(bytes(HELD));
            cache.get(bytes("absent-in-the-parent"));
            double usedBefore = gauge(registry, "cache.data.used");
            assertThat(flipAByteOf(file, DAMAGED_VALUE)).as("copies of the value found in the file").isPositive();

            ChildJvm holder = jvms.start("holder", parent, HolderChild.class, file.toString(),
                    String.valueOf(PAGE_COUNT), String.valueOf(PAGE_SIZE), HELD, "forever", "never-stored");
            assertThat(holder.awaitLine("HOLDING", STARTUP)).isEqualTo("HOLDING old-value");
            holder.kill();

            ChildJvm worker = jvms.start("worker", parent.other(), MetricsWorkerChild.class, file.toString(),
                    String.valueOf(PAGE_COUNT), String.valueOf(PAGE_SIZE), HELD, DAMAGED, "100", "500");
            assertThat(worker.awaitLine("HELD ", STARTUP)).isEqualTo("HELD old-value");
            assertThat(worker.awaitLine("DAMAGED ", STARTUP)).as("a damaged value is never served")
                    .isEqualTo("DAMAGED NULL");
            CacheStats child = MetricsWorkerChild.parseStats(worker.awaitLine("STATS ", STARTUP));
            assertThat(worker.waitFor(Duration.ofSeconds(30))).as("exit code of %s", worker.describe()).isZero();
            System.out.println("FastMmapMetricsTwoProcessTest: figures of " + worker + ": " + child);

            assertThat(child.lockRecoveryCount()).as("the worker took the killed holder's lock over").isPositive();
            assertThat(child.pageRepairCount()).as("the worker repaired the damaged page").isPositive();
            assertThat(child.expirationCount()).isGreaterThanOrEqualTo(SHORT_LIVED);
            assertThat(child.evictionCount()).isPositive();
            assertThat(child.hitCount()).isPositive();
            assertThat(child.setCount()).isEqualTo(100);

            assertThat(count(registry, "cache.lock.recoveries")).isEqualTo(child.lockRecoveryCount());
            assertThat(count(registry, "cache.page.repairs")).isEqualTo(child.pageRepairCount());
            assertThat(count(registry, "cache.expirations")).isEqualTo(child.expirationCount());
            assertThat(count(registry, "cache.evictions")).isEqualTo(child.evictionCount());
            assertThat(gauge(registry, "cache.size")).isEqualTo(child.entryCount());
            assertThat(gauge(registry, "cache.data.used")).isEqualTo(child.usedBytes()).isNotEqualTo(usedBefore);
            assertThat(gauge(registry, "cache.data.free")).isEqualTo(child.freeBytes());

            assertThat(count(registry, "cache.gets", "result", "hit")).as("this JVM's hits only").isEqualTo(1);
            assertThat(count(registry, "cache.gets", "result", "miss")).as("this JVM's misses only").isEqualTo(1);
            assertThat(count(registry, "cache.puts")).as("this JVM's puts only").isEqualTo(2 + SHORT_LIVED);
        }
    }

    /**
     * Damages every copy of {@code value} in the file (the live record and any stale copy in a spare page) by
     * flipping one bit, as a stray write would, through the file rather than the cache.
     *
     * @return how many copies were damaged
     */
    private static int flipAByteOf(Path file, String value) throws IOException {
        byte[] content = Files.readAllBytes(file);
        byte[] pattern = value.getBytes(StandardCharsets.UTF_8);
        int copies = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int at = indexOf(content, pattern, 0); at >= 0; at = indexOf(content, pattern, at + 1)) {
                int target = at + pattern.length - 5;
                channel.write(ByteBuffer.wrap(new byte[] {(byte) (content[target] ^ 0x10)}), target);
                copies++;
            }
        }
        return copies;
    }

    private static int indexOf(byte[] content, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= content.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (content[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
