package io.fastmmap.perl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a test: what one page lock and unlock cost a Java process on a Perl-format file, FileChannel's way beside the
 * way {@link PageLockFactory} picks (direct fcntl on JDK 22+ with {@code --enable-native-access=ALL-UNNAMED}),
 * uncontended, in one run and interleaved, so that the two are compared on the same machine state; and beside them
 * a whole {@link PerlCache} operation (SpeedDriver's: 1 KiB values, 1,000 keys, 90% get / 10% set), so that what an
 * operation costs besides its two fcntl calls is their difference, measured in the same run:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp fastmmap-perl.jar:test-classes:fastmmap-core.jar \
 *       io.fastmmap.perl.LockCostDriver FILE ROUNDS
 * </pre>
 * Prints CPU ns per lock+unlock pair for each and per operation, per round: this thread's CPU time (user + system), which a loaded
 * machine inflates much less than wall time.
 */
public final class LockCostDriver {
    private static final int PAIRS = 200_000;
    /** More than pairs: an operation's cost settles only once its page data is spread over the caches. */
    private static final int OPERATIONS = 1_000_000;

    private LockCostDriver() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path cacheFile = Path.of(file + ".cache");
        Files.write(file, new byte[89 * 65536]);
        Files.deleteIfExists(cacheFile);
        try (PageLockCalls channel = ChannelPageLocks.open(file, 65536, 89);
                PageLockCalls chosen = PageLockFactory.open(file, 65536, 89);
                PerlCache cache = PerlCache.builder(cacheFile).build()) {
            SpeedDriver.Load load = new SpeedDriver.Load(cache);
            for (int round = 0; round <= rounds; round++) { // round 0 warms up
                double viaChannel = nanosPerPair(channel);
                double viaChosen = nanosPerPair(chosen);
                double perOperation = load.cpuNanosPerOperation(OPERATIONS);
                if (round > 0) {
                    System.out.printf("round %d: %s %.0f ns, %s %.0f ns of CPU per lock+unlock pair; a whole "
                            + "operation %.0f ns, so %.0f ns besides its lock+unlock%n", round, channel.mechanism(),
                            viaChannel, chosen.mechanism(), viaChosen, perOperation, perOperation - viaChosen);
                }
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(cacheFile);
        }
    }

    private static double nanosPerPair(PageLockCalls calls) throws IOException {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < PAIRS; i++) {
            int page = i % 89;
            if (!calls.tryLock(page)) {
                throw new IllegalStateException("page " + page + " is locked by another process");
            }
            calls.unlock(page);
        }
        return (threads.getCurrentThreadCpuTime() - start) / (double) PAIRS;
    }
}
