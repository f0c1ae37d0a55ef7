package io.fastmmap.torture;

import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildSupport;
import io.fastmmap.process.WriterValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A reader of {@link SoakTest}: while writers are being killed around it, it gets random keys of every writer and
 * checks each value it is served.
 *
 * <p>Arguments: {@code file pageCount pageSize writerCount keysPerWriter boundMillis seed}. Prints {@code READY ...},
 * then reads until the parent sends {@code STOP}, and prints {@code DONE <reads> <present> <slowestMicros>}. A value
 * that is torn, belongs to another key or writer, or is older than one this reader already saw for the key (a
 * committed write never goes back), and any get slower than {@code boundMillis}, print {@code BAD ...} and exit.
 */
public final class ReaderChild {
    private static final long PAUSE_NANOS = 100_000;

    private ReaderChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, ReaderChild::run);
    }

    private static void run(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        int writers = Integer.parseInt(args[3]);
        int keysPerWriter = Integer.parseInt(args[4]);
        long boundMicros = Long.parseLong(args[5]) * 1000;
        Random random = new Random(Long.parseLong(args[6]));
        long[][] newestSeen = new long[writers][keysPerWriter];
        for (long[] row : newestSeen) {
            Arrays.fill(row, -1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        long[] counts = new long[3]; // reads, present, slowest micros
        try (FastMmap cache = ChildSupport.open(file, pageCount, pageSize, Duration.ofSeconds(10))) {
            ChildSupport.println("READY " + ChildSupport.identity(cache));
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    // Paced: readers hammering the pages would make writers wait for locks, and a writer killed
                    // while waiting is a kill outside the critical sections this soak wants to hit.
                    LockSupport.parkNanos(PAUSE_NANOS);
                    int writer = random.nextInt(writers);
                    int index = random.nextInt(keysPerWriter);
                    byte[] key = WriterValue.key(writer, index);
                    long start = System.nanoTime();
                    byte[] value = cache.get(key);
                    long micros = (System.nanoTime() - start) / 1000;
                    counts[0]++;
                    counts[2] = Math.max(counts[2], micros);
                    if (micros > boundMicros) {
                        ChildSupport.bad("SLOW: a get took " + micros / 1000 + " ms");
                    }
                    if (value == null) {
                        continue;
                    }
                    counts[1]++;
                    long seq;
                    try {
                        seq = WriterValue.verify(key, writer, value);
                    } catch (IllegalArgumentException e) {
                        ChildSupport.bad("key " + writer + "/" + index + ": " + e.getMessage());
                        return;
                    }
                    if (seq < newestSeen[writer][index]) {
                        ChildSupport.bad("key " + writer + "/" + index + " went back from seq "
                                + WriterValue.seqText(newestSeen[writer][index]) + " to " + WriterValue.seqText(seq));
                    }
                    newestSeen[writer][index] = seq;
                }
            }, "soak-reader");
            reader.start();
            ChildSupport.awaitCommand("STOP");
            stop.set(true);
            reader.join();
        }
        ChildSupport.println("DONE " + counts[0] + " " + counts[1] + " " + counts[2]);
    }
}
