package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ChildJvm.Jdk;
import io.fastmmap.process.ChildJvms;
import io.fastmmap.process.KeyLedger;
import io.fastmmap.process.VerifierChild;
import io.fastmmap.process.VerifierChild.Reading;
import io.fastmmap.process.WriterChild;
import io.fastmmap.process.WriterValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * T3, the random SIGKILL soak: writer JVMs ({@link WriterChild}) are killed at random, after 20–500 ms of work
 * each, while reader JVMs ({@link ReaderChild}) keep reading every writer's keys; JDK 17 and JDK 25 alternate in
 * every role. 500 kills per run ({@code -Dfastmmap.torture.kills=N} for more).
 *
 * <p>Values are self-verifying ({@link WriterValue}: key hash, writer id, sequence, CRC). Pass criteria:
 * <ul>
 *   <li>no reader or writer is ever served a torn, foreign or older value; no operation takes over 5 s;</li>
 *   <li>afterwards every key reads as its last acknowledged write, or as a write in flight when its writer was
 *       killed ({@link KeyLedger}); nothing was evicted (the key space fits the file), so a missing key is a lost
 *       write;</li>
 *   <li>no JVM crash log ({@link ChildJvms});</li>
 *   <li>{@link FastMmap#verify()} of the final file is clean;</li>
 *   <li>at least 20 % of the kills land inside a page critical section.</li>
 * </ul>
 *
 * <p><b>Counting kills inside a critical section.</b> Each writer is one thread, so a kill leaves at most one page
 * lock held, and the engine counts each lock it takes over from a dead holder, exactly once, in the shared
 * {@code lockRecoveryCount}. So {@code lockRecoveryCount / kills} is the fraction of kills that landed while a writer
 * held a page lock; {@code pageRepairCount} counts those that landed mid-mutation (the in-progress marker set).
 * Before reading the counters this test locks every page once ({@link FastMmap#purge()}), so a lock left by the
 * last kills is counted too.
 */
class SoakTest {
    static final int WRITERS = 3;
    static final int READERS = 2;
    static final int KEYS_PER_WRITER = 4;
    static final int MIN_PAYLOAD = 16;
    static final int MAX_PAYLOAD = 600;
    // Worst case, all 12 keys hash to one page: 13 records of at most 672 bytes, under 9 KB of the page's 16 KiB.
    static final int PAGE_COUNT = 4;
    static final int PAGE_SIZE = 16 * 1024;
    static final int MIN_WORK_MILLIS = 20;
    static final int MAX_WORK_MILLIS = 500;
    static final long OPERATION_BOUND_MILLIS = 5_000;
    static final Duration STARTUP = Duration.ofSeconds(120);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    private final int targetKills = Integer.getInteger("fastmmap.torture.kills", 500);
    private final long seed = Long.getLong("fastmmap.test.seed", System.nanoTime());
    private final KeyLedger[][] ledgers = new KeyLedger[WRITERS][KEYS_PER_WRITER];
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger killsWithWriteInFlight = new AtomicInteger();
    private final AtomicInteger[] killsByJdk = {new AtomicInteger(), new AtomicInteger()};
    private final AtomicLong acknowledged = new AtomicLong();
    private Path file;

    @Test
    void randomlyKilledWritersNeverCorruptLoseOrStallAnything() throws Exception {
        file = dir.resolve("soak.fmm");
        for (KeyLedger[] row : ledgers) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new KeyLedger();
            }
        }
        long start = System.nanoTime();
        open().close();
        System.out.println("SoakTest: seed " + seed + ", " + targetKills + " kills, " + WRITERS + " writers, "
                + READERS + " readers, " + PAGE_COUNT + " x " + PAGE_SIZE + " bytes");

        List<ChildJvm> readers = startReaders();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> slots = new ArrayList<>();
            for (int writer = 0; writer < WRITERS; writer++) {
                int id = writer;
                slots.add(pool.submit(() -> {
                    new Slot(id).run();
                    return null;
                }));
            }
            for (Future<?> slot : slots) {
                slot.get(30, TimeUnit.MINUTES);
                checkReaders(readers);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        long[] readerTotals = stopReaders(readers);

        CacheStats stats;
        VerifyReport report;
        List<String> problems = new ArrayList<>();
        long slowestMicros;
        try (FastMmap cache = open()) {
            cache.purge(); // locks every page once: recovers (and counts) locks the last kills left
            slowestMicros = judge(VerifierChild.readAll(cache, WRITERS, KEYS_PER_WRITER), problems);
            stats = cache.stats();
            report = cache.verify();
        }
        slowestMicros = Math.max(slowestMicros, verifyInChild(problems));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        double insideLock = 100.0 * stats.lockRecoveryCount() / kills.get();
        double insideMutation = 100.0 * stats.pageRepairCount() / kills.get();
        System.out.printf("SoakTest: seed %d: %d SIGKILLs (%d on JDK 17, %d on JDK 25), %d with a write in flight;"
                + " %d writes acknowledged; inside a page critical section: %d kills (%.1f %%), of which inside a"
                + " mutation: %d (%.1f %%); readers: %d gets, %d values checked, slowest %d ms; final verify: %s;"
                + " stats %s; %d s%n", seed, kills.get(), killsByJdk[0].get(), killsByJdk[1].get(),
                killsWithWriteInFlight.get(), acknowledged.get(), stats.lockRecoveryCount(), insideLock,
                stats.pageRepairCount(), insideMutation, readerTotals[0], readerTotals[1],
                Math.max(readerTotals[2], slowestMicros) / 1000, report.isClean() ? "clean" : report, stats, seconds);

        assertThat(problems).as("keys that do not read as their last acknowledged write or a write in flight "
                + "(seed %d)", seed).isEmpty();
        assertThat(report.isClean()).as("final verify: %s", report).isTrue();
        assertThat(stats.evictionCount()).as("nothing may be evicted, or a missing key would prove nothing").isZero();
        assertThat(kills.get()).isGreaterThanOrEqualTo(targetKills);
        assertThat(killsByJdk[0].get()).isPositive();
        assertThat(killsByJdk[1].get()).isPositive();
        assertThat(insideLock).as("percentage of kills inside a page critical section").isGreaterThanOrEqualTo(20);
    }

    private FastMmap open() {
        return FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE)
                .lockTimeout(Duration.ofMillis(OPERATION_BOUND_MILLIS)).build();
    }

    private List<String> cacheArgs() {
        return List.of(file.toString(), Integer.toString(PAGE_COUNT), Integer.toString(PAGE_SIZE));
    }

    private List<ChildJvm> startReaders() {
        List<ChildJvm> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            List<String> args = new ArrayList<>(cacheArgs());
            args.addAll(List.of(Integer.toString(WRITERS), Integer.toString(KEYS_PER_WRITER),
                    Long.toString(OPERATION_BOUND_MILLIS), Long.toString(seed + r)));
            readers.add(jvms.start("reader-" + r, Jdk.alternating(r), ReaderChild.class, args));
        }
        for (ChildJvm reader : readers) {
            reader.awaitLine("READY", STARTUP);
        }
        return readers;
    }

    private void checkReaders(List<ChildJvm> readers) {
        for (ChildJvm reader : readers) {
            assertThat(reader.isAlive()).as("reader %s died: %s", reader, reader.describe()).isTrue();
        }
    }

    /** @return total gets, values checked, slowest get in microseconds */
    private long[] stopReaders(List<ChildJvm> readers) {
        long[] totals = new long[3];
        for (ChildJvm reader : readers) {
            checkReaders(List.of(reader));
            reader.send("STOP");
            String done = reader.awaitLine("DONE", Duration.ofSeconds(60));
            String[] parts = done.split(" ");
            totals[0] += Long.parseLong(parts[1]);
            totals[1] += Long.parseLong(parts[2]);
            totals[2] = Math.max(totals[2], Long.parseLong(parts[3]));
            assertThat(reader.waitFor(Duration.ofSeconds(30))).as("exit code of %s", reader.describe()).isZero();
        }
        return totals;
    }

    /** Reads every key in a fresh JVM of the other JDK and judges it too; @return the slowest get */
    private long verifyInChild(List<String> problems) {
        List<String> args = new ArrayList<>(cacheArgs());
        args.addAll(List.of(Integer.toString(WRITERS), Integer.toString(KEYS_PER_WRITER)));
        ChildJvm verifier = jvms.start("verifier", Jdk.parent().other(), VerifierChild.class, args);
        verifier.awaitLine("READY", STARTUP);
        List<Reading> readings = new ArrayList<>();
        String line;
        while (!(line = verifier.awaitLine("", Duration.ofSeconds(60))).startsWith("STATS")) {
            readings.add(Reading.parse(line));
        }
        verifier.awaitLine("DONE", Duration.ofSeconds(30));
        return judge(readings, problems);
    }

    private long judge(List<Reading> readings, List<String> problems) {
        assertThat(readings).hasSize(WRITERS * KEYS_PER_WRITER);
        long slowest = 0;
        for (Reading reading : readings) {
            KeyLedger ledger = ledgers[reading.writer()][reading.index()];
            String problem = ledger.judge(reading);
            if (reading.micros() > OPERATION_BOUND_MILLIS * 1000) {
                problem = (problem == null ? "" : problem + "; ") + "SLOW: " + reading.micros() / 1000 + " ms";
            }
            if (problem != null) {
                problems.add(new String(WriterValue.key(reading.writer(), reading.index()), StandardCharsets.US_ASCII)
                        + ": " + problem + " (" + ledger.describe() + ")");
            }
            slowest = Math.max(slowest, reading.micros());
        }
        return slowest;
    }

    /** One writer: its incarnations, each killed after a random amount of work, until enough kills are done. */
    private final class Slot {
        final int writer;
        final Random random;
        int incarnation;
        ChildJvm next;

        Slot(int writer) {
            this.writer = writer;
            this.random = new Random(seed * 1_000_003 + writer);
        }

        void run() throws Exception {
            startNext();
            try {
                while (kills.get() < targetKills) {
                    ChildJvm current = next;
                    current.awaitLine("READY", STARTUP);
                    current.send("GO");
                    startNext(); // boots while this one works
                    Thread.sleep(MIN_WORK_MILLIS + random.nextInt(MAX_WORK_MILLIS - MIN_WORK_MILLIS + 1));
                    killAndRecord(current);
                    jvms.forgetFinished();
                }
            } finally {
                next.close();
            }
        }

        private void startNext() {
            incarnation++;
            List<String> args = new ArrayList<>(cacheArgs());
            args.addAll(List.of(Integer.toString(writer), Integer.toString(incarnation),
                    Integer.toString(KEYS_PER_WRITER), Integer.toString(MIN_PAYLOAD), Integer.toString(MAX_PAYLOAD),
                    Long.toString(random.nextLong())));
            next = jvms.start("writer-" + writer + "." + incarnation, Jdk.alternating(writer + incarnation),
                    WriterChild.class, args);
        }

        private void killAndRecord(ChildJvm writerJvm) {
            boolean wasAlive = writerJvm.isAlive();
            int exit = writerJvm.kill();
            kills.incrementAndGet();
            killsByJdk[writerJvm.jdk() == Jdk.JDK17 ? 0 : 1].incrementAndGet();
            boolean inFlight = false;
            for (String line : writerJvm.drainLines()) {
                inFlight = record(writerJvm, line, inFlight);
            }
            if (inFlight) {
                killsWithWriteInFlight.incrementAndGet();
            }
            assertThat(wasAlive).as("%s exited before it was killed (seed %d): %s", writerJvm, seed,
                    writerJvm.describe()).isTrue();
            assertThat(exit).as("exit code of the killed %s", writerJvm).isEqualTo(128 + 9);
        }

        /** @return whether an operation is in flight after this line */
        private boolean record(ChildJvm writerJvm, String line, boolean inFlight) {
            if (line.startsWith("BAD") || line.startsWith("ERROR")) {
                throw new AssertionError("writer " + writerJvm + " failed a check (seed " + seed + "): " + line
                        + "\n" + writerJvm.describe());
            }
            String[] parts = line.split(" ");
            switch (parts[0]) {
                case "OP" -> {
                    ledgers[writer][Integer.parseInt(parts[1])].started(Long.parseLong(parts[2]), parts[3].charAt(0));
                    return true;
                }
                case "ACK", "DEL" -> {
                    assertThat(ledgers[writer][Integer.parseInt(parts[1])].acknowledged(Long.parseLong(parts[2]),
                            parts[0].equals("DEL"))).as("protocol: %s of %s follows its OP line", line, writerJvm)
                            .isTrue();
                    acknowledged.incrementAndGet();
                    return false;
                }
                default -> {
                    return inFlight;
                }
            }
        }
    }
}
