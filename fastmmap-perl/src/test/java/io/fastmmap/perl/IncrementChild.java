package io.fastmmap.perl;

import io.fastmmap.process.ChildSupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A child JVM of {@link PerlCacheProcessesTest}. Arguments: {@code file pages pageSize command ...}:
 * <ul>
 *   <li>{@code incr prefix keyCount iterations goFile}: prints READY, waits for goFile, then increments the decimal
 *       counters {@code prefix0..} round-robin with getAndSet (as Perl's {@code get_and_set(sub { $_[1] + 1 })}) and
 *       prints DONE;</li>
 *   <li>{@code hold key}: takes the key's page lock in getAndSet, prints HOLDING and sleeps until killed;</li>
 *   <li>{@code churn seed}: sets and removes random keys with values of random sizes (so pages expunge, grow their
 *       slot tables and evict) until killed; prints CHURNING after the first thousand;</li>
 *   <li>{@code halt stores clockMillis key valueBytes}: at that fixed clock, sets the key to that many 'B's and halts
 *       (exit 137, as a SIGKILL: no finally blocks) right after the given number of stores to the file.</li>
 * </ul>
 */
public final class IncrementChild {
    private IncrementChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, IncrementChild::run);
    }

    static byte[] increment(byte[] old) {
        long value = old == null ? 0 : Long.parseLong(new String(old, StandardCharsets.US_ASCII));
        return Long.toString(value + 1).getBytes(StandardCharsets.US_ASCII);
    }

    private static void run(String[] args) {
        if (args[3].equals("halt")) {
            haltAfterStores(args);
            return;
        }
        try (PerlCache cache = PerlCache.builder(Path.of(args[0])).pageCount(Integer.parseInt(args[1]))
                .pageSize(Integer.parseInt(args[2])).build()) {
            switch (args[3]) {
                case "incr" -> {
                    String prefix = args[4];
                    int keys = Integer.parseInt(args[5]);
                    int iterations = Integer.parseInt(args[6]);
                    Path go = Path.of(args[7]);
                    ChildSupport.println("READY");
                    while (!Files.exists(go)) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    }
                    for (int i = 0; i < iterations; i++) {
                        cache.getAndSet((prefix + (i % keys)).getBytes(StandardCharsets.US_ASCII),
                                IncrementChild::increment);
                    }
                    ChildSupport.println("DONE " + iterations);
                }
                case "hold" -> cache.getAndSet(args[4].getBytes(StandardCharsets.UTF_8), old -> {
                    ChildSupport.println("HOLDING");
                    LockSupport.parkNanos(TimeUnit.MINUTES.toNanos(10));
                    return old;
                });
                case "churn" -> {
                    java.util.Random random = new java.util.Random(Long.parseLong(args[4]));
                    for (long i = 0; ; i++) {
                        byte[] key = ("churn-" + random.nextInt(2000)).getBytes(StandardCharsets.US_ASCII);
                        if (random.nextInt(5) == 0) {
                            cache.remove(key);
                        } else {
                            cache.set(key, new byte[random.nextInt(random.nextInt(8) == 0 ? 3000 : 200)]);
                        }
                        if (i == 1000) {
                            ChildSupport.println("CHURNING");
                        }
                    }
                }
                default -> throw new IllegalArgumentException("command " + args[3]);
            }
        }
    }

    private static void haltAfterStores(String[] args) {
        Path file = Path.of(args[0]);
        int haltAfter = Integer.parseInt(args[4]);
        try (PerlCache cache = PerlCache.builder(file).pageCount(Integer.parseInt(args[1]))
                .pageSize(Integer.parseInt(args[2]))
                .clock(Clock.fixed(Instant.ofEpochMilli(Long.parseLong(args[5])), ZoneOffset.UTC)).build()) {
            int[] stores = {0};
            PageMemory.storeObserver = memory -> {
                if (memory.file().equals(file) && ++stores[0] >= haltAfter) {
                    Runtime.getRuntime().halt(137);
                }
            };
            cache.set(args[6].getBytes(StandardCharsets.UTF_8), "B".repeat(Integer.parseInt(args[7]))
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }
}
