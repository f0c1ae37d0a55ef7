package io.fastmmap.perl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Not a test: the Java side of the Perl-format speed comparison (docs/perl-interop.md, "Speed"), to run on a quiet
 * machine beside {@code src/test/resources/perl/speed.pl} on the same file:
 * raw 1 KiB values, 1,000 keys, 90% get / 10% set, for the given seconds; prints "java ops/s N" and the CPU time per
 * operation (run it with {@code --enable-native-access=ALL-UNNAMED} on JDK 22+ for the direct fcntl calls).
 *
 * <p>Arguments: {@code file seconds} (the file is 89 × 64 KiB, Cache::FastMmap's default geometry).
 */
public final class SpeedDriver {
    private SpeedDriver() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        try (PerlCache cache = PerlCache.builder(file).build()) {
            Load load = new Load(cache);
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                load.steps(1000);
            }
            long ops = 0;
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                load.steps(1000);
                ops += 1000;
            }
            // CPU time per operation as well: a loaded machine inflates wall time far more
            System.out.printf("java ops/s %.0f, CPU %.2f us per op (page locks by %s)%n",
                    ops / ((System.nanoTime() - start) / 1e9), (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / ops,
                    mechanism());
        }
    }

    private static String mechanism() {
        try (PageLockCalls calls = PageLockFactory.open(Path.of("/dev/null"), 1, 0)) {
            return calls.mechanism();
        } catch (java.io.IOException e) {
            return "? (" + e + ")";
        }
    }

    /** The operations speed.pl makes too, on a cache it has filled with every key. */
    static final class Load {
        private final PerlCache cache;
        private final byte[] value = new byte[1024];
        private final byte[][] keys = new byte[1000][];
        private final SplittableRandom random = new SplittableRandom(1);

        Load(PerlCache cache) {
            this.cache = cache;
            for (int i = 0; i < keys.length; i++) {
                keys[i] = ("speed-" + i).getBytes(StandardCharsets.US_ASCII);
                cache.set(keys[i], value);
            }
        }

        void steps(int count) {
            for (int i = 0; i < count; i++) {
                byte[] key = keys[random.nextInt(keys.length)];
                if (random.nextInt(10) == 0) {
                    cache.set(key, value);
                } else {
                    cache.get(key);
                }
            }
        }

        double cpuNanosPerOperation(int count) {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long start = threads.getCurrentThreadCpuTime();
            steps(count);
            return (threads.getCurrentThreadCpuTime() - start) / (double) count;
        }
    }
}
