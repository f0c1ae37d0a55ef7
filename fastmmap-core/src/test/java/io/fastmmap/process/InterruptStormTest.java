package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm.Jdk;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T12: threads are interrupted at random, thousands of times, while they use every kind of cache call on one
 * contended page, with updates that hold the lock long enough that waiters reach the engine's dead-holder probes
 * (which talk to the kernel). No call may fail, no update may be lost, and the file must stay open for others: if
 * an interrupt had closed this JVM's channel, the kernel would have dropped its process lock, and another process
 * would take this JVM's page lock as a dead holder's instead of timing out on it.
 */
class InterruptStormTest {
    static final int THREADS = 4;
    static final Duration STORM = Duration.ofSeconds(3);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void interruptsInsideCacheCallsShouldNeverBreakLockingNorCloseTheFileForOthers() throws Exception {
        Path file = dir.resolve("storm.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(1).pageSize(16 * 1024).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            long[] increments = new long[THREADS];
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                Thread worker = new Thread(() -> work(cache, id, stop, increments, failures), "storm-" + t);
                workers.add(worker);
                worker.start();
            }
            Random random = new Random(42);
            long interrupts = 0;
            long end = System.nanoTime() + STORM.toNanos();
            while (System.nanoTime() < end) {
                workers.get(random.nextInt(THREADS)).interrupt();
                interrupts++;
                if (random.nextInt(8) == 0) {
                    Thread.sleep(0, 50_000);
                }
            }
            stop.set(true);
            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(worker.isAlive()).as("%s is stuck", worker).isFalse();
            }
            assertThat(failures).as("calls that failed under interrupts").isEmpty();
            long total = 0;
            for (int t = 0; t < THREADS; t++) {
                assertThat(read(cache, "counter-" + t)).as("counter of thread %d", t).isEqualTo(increments[t]);
                total += increments[t];
            }
            System.out.println("InterruptStormTest: " + interrupts + " interrupts over " + total + " increments by "
                    + THREADS + " threads; no call failed, no increment lost");
            assertThat(total).isPositive();
            assertThat(cache.verify().isClean()).isTrue();
            long recoveries = cache.stats().lockRecoveryCount();

            provideTheFileIsStillOpenForOthers(cache, file);
            assertThat(cache.stats().lockRecoveryCount()).as("nobody took this JVM for dead").isEqualTo(recoveries);
        }
    }

    private static void work(FastMmap cache, int id, AtomicBoolean stop, long[] increments, Queue<Throwable> failures) {
        Random random = new Random(id);
        byte[] counter = ("counter-" + id).getBytes(StandardCharsets.US_ASCII);
        while (!stop.get()) {
            byte[] key = ("key-" + random.nextInt(40)).getBytes(StandardCharsets.US_ASCII);
            try {
                switch (random.nextInt(9)) {
                    case 0 -> cache.set(key, new byte[random.nextInt(400)]);
                    case 1 -> cache.get(key);
                    case 2 -> cache.remove(key);
                    case 3 -> cache.exists(key);
                    case 4 -> cache.getAndRemove(key);
                    case 5 -> {
                        if (random.nextInt(20) == 0) {
                            cache.purge();
                        } else if (random.nextInt(20) == 0) {
                            cache.verify();
                        }
                    }
                    default -> {
                        boolean slow = random.nextInt(4) == 0;
                        cache.getAndSet(counter, old -> {
                            if (slow) { // hold the lock past the 2 ms after which waiters probe for a dead holder
                                long until = System.nanoTime() + 3_000_000;
                                while (System.nanoTime() < until) {
                                    Thread.onSpinWait();
                                }
                            }
                            return ByteBuffer.allocate(8).putLong(old == null ? 1 : ByteBuffer.wrap(old).getLong() + 1)
                                    .array();
                        });
                        increments[id]++;
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
                return;
            }
        }
        Thread.interrupted(); // the storm's last interrupt is not a failure
    }

    private static long read(FastMmap cache, String key) {
        byte[] value = cache.get(key.getBytes(StandardCharsets.US_ASCII));
        return value == null ? 0 : ByteBuffer.wrap(value).getLong();
    }

    /** This JVM holds the page; a process of the other JDK must time out on it, not take it over. */
    private void provideTheFileIsStillOpenForOthers(FastMmap cache, Path file) throws Exception {
        ChildJvm probe = jvms.start("probe", Jdk.parent().other(), ProbeChild.class, file.toString(), "1",
                Integer.toString(16 * 1024), "1000", dir.toString());
        probe.awaitLine("READY", Duration.ofSeconds(120));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> cache.getAndSet("held".getBytes(StandardCharsets.US_ASCII), old -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "by-this-jvm".getBytes(StandardCharsets.US_ASCII);
        }));
        holder.start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        probe.send("GAS held stolen");
        String reply = probe.awaitLine("", Duration.ofSeconds(30));
        release.countDown();
        holder.join();
        assertThat(reply).as("the other process, while this JVM held the page").startsWith("TIMEOUT held ");
        probe.send("GET held");
        assertThat(probe.awaitLine("", Duration.ofSeconds(30))).startsWith("GOT held by-this-jvm ");
        probe.send("EXIT");
        assertThat(probe.waitFor(Duration.ofSeconds(30))).isZero();
    }
}
