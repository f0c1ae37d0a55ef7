package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheFileException;
import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm.Jdk;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of this JVM's one connection to a cache file, judged by another process: POSIX drops all of a process's
 * fcntl locks on a file when any of its descriptors of that file is closed, so a channel left to the garbage
 * collector (whose Cleaner closes it at some later moment) makes other processes take this one for dead while it
 * holds a page lock. Every path that opens a channel must close it itself: a failed open, a close that outlasts
 * the lock timeout, a close while a thread waits for another process's lock (issue 19, items 1 and 8).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ConnectionLifetimeTest {
    static final int PAGE_COUNT = 1;
    static final int PAGE_SIZE = 64 * 1024;
    static final String KEY = "held-key";
    static final Duration STARTUP = Duration.ofSeconds(90);
    static final Duration REPLY = Duration.ofSeconds(30);
    /** Beyond the end of every file: the process slots' lock bytes (ProcessSlots.LOCK_BYTES_BASE). */
    static final long SLOT_LOCK_BYTES = 1L << 62;

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void aFailedOpenLeavesNoChannelWhoseCleanerDropsTheLocksOfTheNextConnection() throws Exception {
        Path file = dir.resolve("failed-open.fmm");
        open(file, Duration.ofSeconds(10)).close();
        try (FileChannel hog = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // Held in this JVM, every slot byte looks taken to the cache's own channel.
            FileLock allSlots = hog.lock(SLOT_LOCK_BYTES, 1024, false);
            assertThatThrownBy(() -> open(file, Duration.ofSeconds(10))).isInstanceOf(CacheFileException.class)
                    .hasMessageContaining("process slots are taken");
            allSlots.release();
            try (FastMmap cache = open(file, Duration.ofSeconds(10))) {
                assertLockHeldAcrossGarbageCollection(cache, file);
            }
        }
    }

    @Test
    void aCloseThatOutlastsTheLockTimeoutKeepsItsChannelUntilTheLastCallReturns() throws Exception {
        Path file = dir.resolve("slow-close.fmm");
        FastMmap first = open(file, Duration.ofMillis(300));
        CompletableFuture<Void> inUpdate = new CompletableFuture<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        Thread slow = new Thread(() -> first.getAndSet(bytes(KEY), old -> {
            inUpdate.complete(null);
            finish.join();
            return bytes("slow");
        }));
        slow.start();
        inUpdate.get(30, TimeUnit.SECONDS);
        first.close(); // waits 300 ms for the update, then leaves the rest of the close to a background thread
        finish.complete(null);
        slow.join(30_000);
        try (FastMmap second = open(file, Duration.ofSeconds(10))) {
            assertThat(text(second.get(bytes(KEY)))).isEqualTo("slow");
            assertLockHeldAcrossGarbageCollection(second, file);
        }
    }

    @Test
    void closeWhileAThreadWaitsForAnotherProcesssLockEndsTheWaitWithCacheClosedException() throws Exception {
        Path file = dir.resolve("close-while-waiting.fmm");
        FastMmap cache = open(file, Duration.ofSeconds(60));
        cache.set(bytes(KEY), bytes("before"));
        for (Jdk holderJdk : new Jdk[] {Jdk.parent(), Jdk.parent().other()}) {
            ChildJvm holder = jvms.start("holder-" + holderJdk.version(), holderJdk, HolderChild.class,
                    file.toString(), Integer.toString(PAGE_COUNT), Integer.toString(PAGE_SIZE), KEY, "release",
                    "from-" + holderJdk.version());
            holder.awaitLine("HOLDING", STARTUP);
            AtomicReference<Throwable> waiterFailure = new AtomicReference<>();
            FastMmap waiting = cache;
            Thread waiter = new Thread(() -> {
                try {
                    waiting.get(bytes(KEY));
                } catch (Throwable e) {
                    waiterFailure.set(e);
                }
            });
            waiter.start();
            Thread.sleep(200); // past the first probe of the holder's liveness
            long closeStart = System.nanoTime();
            cache.close();
            waiter.join(30_000);
            assertThat(waiter.isAlive()).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart)).isLessThan(10_000);
            assertThat(waiterFailure.get()).as("what the waiting get threw").isInstanceOf(CacheClosedException.class);
            holder.send("RELEASE");
            assertThat(holder.awaitLine("DONE", REPLY)).isEqualTo("DONE from-" + holderJdk.version());
            cache = open(file, Duration.ofSeconds(60));
            assertThat(text(cache.get(bytes(KEY)))).isEqualTo("from-" + holderJdk.version());
            assertThat(cache.stats().lockRecoveryCount()).as("no lock was taken over").isZero();
        }
        cache.close();
    }

    /**
     * Issue 19 item 7: a creator's temporary file was judged by the pid in its name, which means nothing in another
     * PID namespace (containers sharing a volume). Now by its locks: a live process holds one.
     */
    @Test
    void aTemporaryFileOfALiveProcessIsKeptWhateverPidItsNameCarries() throws Exception {
        Path live = dir.resolve(".c.fmm.init-999999-0000abcd");
        ChildJvm holder = jvms.start("holder", Jdk.parent().other(), ReopenChild.class, live.toString(), "1", "4096",
                "plain", dir.toString());
        holder.awaitLine("READY", STARTUP);
        holder.send("GO");
        assertThat(holder.awaitLine("", REPLY)).isEqualTo("OPENED");
        Path dead = Files.write(dir.resolve(".c.fmm.init-999998-0000abce"), new byte[4096]);
        FileTime minuteAgo = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(live, minuteAgo);
        Files.setLastModifiedTime(dead, minuteAgo);
        FastMmap.builder(dir.resolve("c.fmm")).pageCount(1).pageSize(4096).build().close();
        assertThat(dead).as("a leftover nobody holds").doesNotExist();
        assertThat(live).as("the file of a live process").exists();
        holder.send("SET k v");
        assertThat(holder.awaitLine("", REPLY)).startsWith("SET-OK");
        holder.send("EXIT");
        assertThat(holder.waitFor(REPLY)).isZero();
    }

    /**
     * Holds the page lock in an update function while the garbage collector runs, then lets a process of the other
     * JDK try the key: it must wait (time out), not take the lock over as if this process were dead.
     */
    private void assertLockHeldAcrossGarbageCollection(FastMmap cache, Path file) throws Exception {
        ChildJvm probe = jvms.start("probe", Jdk.parent().other(), ProbeChild.class, file.toString(),
                Integer.toString(PAGE_COUNT), Integer.toString(PAGE_SIZE), "1500", dir.toString());
        probe.awaitLine("READY", STARTUP);
        AtomicReference<String> reply = new AtomicReference<>();
        cache.getAndSet(bytes(KEY), old -> {
            for (int round = 0; round < 5; round++) {
                System.gc();
                sleep(100); // the Cleaner runs on its own thread
            }
            probe.send("GET " + KEY);
            reply.set(probe.awaitLine("", REPLY));
            return bytes("written-while-held");
        });
        assertThat(reply.get()).as("the other process's get while this one held the lock").startsWith("TIMEOUT");
        assertThat(cache.stats().lockRecoveryCount()).as("lock takeovers").isZero();
        probe.send("GET " + KEY);
        assertThat(probe.awaitLine("", REPLY)).startsWith("GOT " + KEY + " written-while-held");
        probe.send("EXIT");
        assertThat(probe.waitFor(REPLY)).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static FastMmap open(Path file, Duration lockTimeout) {
        return ChildSupport.open(file, PAGE_COUNT, PAGE_SIZE, lockTimeout);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
