package io.fastmmap.process;

import io.fastmmap.FastMmap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Holds a page lock for {@link DeadLockHolderTest}: calls {@link FastMmap#getAndSet} on a key with an update function
 * that prints {@code HOLDING <old value>} and then either sleeps forever (mode {@code forever}: the parent kills it
 * with the lock held) or waits for {@code RELEASE} on stdin and returns the new value (mode {@code release}: the
 * parent pauses it with SIGSTOP meanwhile). Afterwards it prints {@code DONE <what getAndSet returned>}.
 *
 * <p>Arguments: {@code file pageCount pageSize key mode newValue}; values are printed as UTF-8 text, {@code NULL}
 * for null.
 */
public final class HolderChild {
    private HolderChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, HolderChild::run);
    }

    private static void run(String[] args) {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        byte[] key = args[3].getBytes(StandardCharsets.UTF_8);
        boolean forever = switch (args[4]) {
            case "forever" -> true;
            case "release" -> false;
            default -> throw new IllegalArgumentException("mode " + args[4]);
        };
        byte[] newValue = args[5].getBytes(StandardCharsets.UTF_8);
        try (FastMmap cache = ChildSupport.open(file, pageCount, pageSize, Duration.ofSeconds(30))) {
            ChildSupport.println("READY " + ChildSupport.identity(cache));
            byte[] result = cache.getAndSet(key, old -> {
                ChildSupport.println("HOLDING " + ProbeChild.text(old));
                try {
                    if (forever) {
                        while (true) {
                            Thread.sleep(60_000);
                        }
                    }
                    ChildSupport.awaitCommand("RELEASE");
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted while holding the lock", e);
                }
                return newValue;
            });
            ChildSupport.println("DONE " + ProbeChild.text(result));
        }
    }
}
