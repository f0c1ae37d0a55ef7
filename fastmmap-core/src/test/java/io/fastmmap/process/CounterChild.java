package io.fastmmap.process;

import io.fastmmap.FastMmap;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * A process of {@link SharedCounterTest}: increments shared 8-byte big-endian counters.
 *
 * <p>Arguments: {@code file pageCount pageSize keyCount iterations mode seed resultFile}, mode {@code atomic}
 * ({@link FastMmap#getAndSet}) or {@code racy} (get, then set: the control that loses updates).
 *
 * <p>Prints {@code READY ...}, waits for {@code GO}, does {@code iterations} increments on randomly chosen keys, writes
 * the result file (int keyCount; per key: int increments, int n, n longs: the values getAndSet returned, atomic mode
 * only) and prints {@code DONE <increments of key 0> ... <milliseconds>}.
 */
public final class CounterChild {
    private CounterChild() {
    }

    static byte[] key(int index) {
        return ("counter-" + index).getBytes(StandardCharsets.US_ASCII);
    }

    static long decode(byte[] value) {
        if (value == null) {
            return 0;
        }
        if (value.length != Long.BYTES) {
            ChildSupport.bad("a counter of " + value.length + " bytes: " + ChildSupport.hex(value, 32));
        }
        return ByteBuffer.wrap(value).getLong();
    }

    static byte[] encode(long count) {
        return ByteBuffer.allocate(Long.BYTES).putLong(count).array();
    }

    public static void main(String[] args) {
        ChildSupport.main(args, CounterChild::run);
    }

    private static void run(String[] args) throws InterruptedException, IOException {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        int keyCount = Integer.parseInt(args[3]);
        int iterations = Integer.parseInt(args[4]);
        boolean atomic = switch (args[5]) {
            case "atomic" -> true;
            case "racy" -> false;
            default -> throw new IllegalArgumentException("mode " + args[5]);
        };
        Random random = new Random(Long.parseLong(args[6]));
        Path resultFile = Path.of(args[7]);

        byte[][] keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = key(i);
        }
        int[] increments = new int[keyCount];
        long[][] returned = new long[keyCount][atomic ? iterations : 0];
        try (FastMmap cache = ChildSupport.open(file, pageCount, pageSize, Duration.ofSeconds(30))) {
            ChildSupport.println("READY " + ChildSupport.identity(cache));
            ChildSupport.awaitCommand("GO");
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                int k = random.nextInt(keyCount);
                if (atomic) {
                    long[] seen = new long[1];
                    byte[] stored = cache.getAndSet(keys[k], old -> {
                        seen[0] = decode(old);
                        return encode(seen[0] + 1);
                    });
                    long now = decode(stored);
                    if (now != seen[0] + 1) {
                        ChildSupport.bad("getAndSet of " + new String(keys[k], StandardCharsets.US_ASCII)
                                + " returned " + now + " after its update saw " + seen[0]);
                    }
                    returned[k][increments[k]] = now;
                } else {
                    long old = decode(cache.get(keys[k]));
                    cache.set(keys[k], encode(old + 1));
                }
                increments[k]++;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(resultFile)))) {
                out.writeInt(keyCount);
                for (int k = 0; k < keyCount; k++) {
                    out.writeInt(increments[k]);
                    int n = atomic ? increments[k] : 0;
                    out.writeInt(n);
                    for (int j = 0; j < n; j++) {
                        out.writeLong(returned[k][j]);
                    }
                }
            }
            StringBuilder done = new StringBuilder("DONE");
            for (int count : increments) {
                done.append(' ').append(count);
            }
            ChildSupport.println(done.append(' ').append(millis).toString());
        }
    }
}
