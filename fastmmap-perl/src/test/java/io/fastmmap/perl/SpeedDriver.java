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
        byte[] value = new byte[1024];
        byte[][] keys = new byte[1000][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("speed-" + i).getBytes(StandardCharsets.US_ASCII);
        }
        SplittableRandom random = new SplittableRandom(1);
        try (PerlCache cache = PerlCache.builder(file).build()) {
            for (byte[] key : keys) {
                cache.set(key, value);
            }
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                step(cache, keys, value, random);
            }
            long ops = 0;
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1000; i++) {
                    step(cache, keys, value, random);
                }
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

    private static void step(PerlCache cache, byte[][] keys, byte[] value, SplittableRandom random) {
        byte[] key = keys[random.nextInt(keys.length)];
        if (random.nextInt(10) == 0) {
            cache.set(key, value);
        } else {
            cache.get(key);
        }
    }
}
