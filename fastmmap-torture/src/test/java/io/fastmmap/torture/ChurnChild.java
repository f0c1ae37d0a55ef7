package io.fastmmap.torture;

import io.fastmmap.CacheClosedException;
import io.fastmmap.FastMmap;
import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.process.ChildSupport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process of {@link LifecycleChurnTest}: opens and closes its cache over and over while incrementing one shared
 * counter with {@link FastMmap#getAndSet}, and in between does what once left a channel to the garbage collector or
 * a thread waiting on a closed connection: a failed open of the same file with another geometry, {@code System.gc()}
 * inside an update function, a close while another thread is inside or waiting for a page lock.
 *
 * <p>Arguments: {@code file pageSize seconds seed scratchDir}. Prints {@code READY}, waits for {@code GO}, and at the
 * end {@code DONE <acknowledged increments> <cycles>}.
 */
public final class ChurnChild {
    static final byte[] COUNTER = "counter".getBytes(StandardCharsets.US_ASCII);

    private ChurnChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, ChurnChild::run);
    }

    private static void run(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int pageSize = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
        Random random = new Random(Long.parseLong(args[3]));
        ChildSupport.warmUp(Path.of(args[4]));
        ChildSupport.println("READY");
        ChildSupport.awaitCommand("GO");
        AtomicLong acknowledged = new AtomicLong();
        int cycles = 0;
        while (System.nanoTime() < deadline) {
            cycles++;
            try {
                FastMmap.builder(file).pageCount(1).pageSize(pageSize * 2).build().close();
                ChildSupport.bad("a cache of another geometry was opened");
            } catch (IncompatibleCacheFileException expected) {
                // its channel must be closed by the failed open itself
            }
            FastMmap cache = FastMmap.builder(file).pageCount(1).pageSize(pageSize)
                    .lockTimeout(Duration.ofSeconds(30)).build();
            Thread racer = new Thread(() -> {
                try {
                    while (true) {
                        increment(cache, false);
                        acknowledged.incrementAndGet();
                    }
                } catch (CacheClosedException closed) {
                    // the main thread closed the cache: this thread's last increment was not acknowledged
                } catch (RuntimeException | Error unexpected) {
                    ChildSupport.bad("a call racing with close() threw " + unexpected);
                }
            });
            racer.start();
            int increments = 1 + random.nextInt(40);
            for (int i = 0; i < increments; i++) {
                increment(cache, random.nextInt(10) == 0);
                acknowledged.incrementAndGet();
            }
            cache.close(); // the racer holds the page lock, waits for it, or is between two calls
            racer.join();
        }
        ChildSupport.println("DONE " + acknowledged.get() + " " + cycles);
    }

    private static void increment(FastMmap cache, boolean collectGarbage) {
        cache.getAndSet(COUNTER, old -> {
            if (collectGarbage) {
                System.gc(); // a channel left unreachable would be closed now, dropping this process's locks
            }
            long count = old == null ? 0 : ByteBuffer.wrap(old).getLong();
            return ByteBuffer.allocate(Long.BYTES).putLong(count + 1).array();
        });
    }
}
