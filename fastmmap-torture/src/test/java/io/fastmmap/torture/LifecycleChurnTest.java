package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ChildJvm.Jdk;
import io.fastmmap.process.ChildJvms;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle class of defects (issue 19 items 1 and 8): anything that closes a descriptor of the cache file
 * behind the engine's back, or lets a thread touch a closed connection, makes other processes take a live lock
 * holder for dead, and two processes then own one page lock. Here JVMs of both JDKs open and close one cache
 * hundreds of times while they increment one shared counter, with failed opens, garbage collections inside update
 * functions and closes while another thread holds or waits for the lock ({@link ChurnChild}). No process dies, so
 * any lock takeover is a defect; any lost increment is two lock owners.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LifecycleChurnTest {
    static final int PAGE_SIZE = 16 * 1024;
    static final Duration STARTUP = Duration.ofSeconds(120);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void openingAndClosingUnderLoadNeverLetsTwoProcessesOwnALock() throws Exception {
        Path file = dir.resolve("churn.fmm");
        long seconds = Long.getLong("fastmmap.torture.churn.seconds", 20);
        FastMmap.builder(file).pageCount(1).pageSize(PAGE_SIZE).build().close();
        List<ChildJvm> children = IntStream.range(0, 3).mapToObj(i -> jvms.start("churn-" + i, Jdk.alternating(i),
                ChurnChild.class, file.toString(), Integer.toString(PAGE_SIZE), Long.toString(seconds),
                Long.toString(1000 + i), dir.toString())).toList();
        for (ChildJvm child : children) {
            child.awaitLine("READY", STARTUP);
        }
        children.forEach(child -> child.send("GO"));
        long acknowledged = 0;
        long cycles = 0;
        for (ChildJvm child : children) {
            String[] done = child.awaitLine("DONE", Duration.ofSeconds(seconds + 120)).split(" ");
            acknowledged += Long.parseLong(done[1]);
            cycles += Long.parseLong(done[2]);
            assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
        }
        try (FastMmap cache = FastMmap.builder(file).pageCount(1).pageSize(PAGE_SIZE).build()) {
            long counted = ByteBuffer.wrap(cache.get(ChurnChild.COUNTER)).getLong();
            CacheStats stats = cache.stats();
            System.out.println("LifecycleChurnTest: " + children.size() + " JVMs, " + cycles + " open/close cycles, "
                    + acknowledged + " acknowledged increments, counter " + counted + ", " + stats);
            // An increment whose getAndSet was cut short by the close may have been stored without acknowledgement.
            assertThat(counted).as("the counter against the acknowledged increments").isBetween(acknowledged,
                    acknowledged + cycles);
            assertThat(stats.lockRecoveryCount()).as("locks taken over, with no process dead").isZero();
            assertThat(cache.verify().isClean()).isTrue();
        }
    }
}
