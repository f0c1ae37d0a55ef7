package io.fastmmap.process;

import io.fastmmap.FastMmap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * A writer of {@link KillRecoveryTest}, killed with SIGKILL at a random moment by its parent.
 *
 * <p>Arguments: {@code file pageCount pageSize writerId incarnation keyCount minPayload maxPayload seed}.
 *
 * <p>It opens the cache, prints {@code READY ...}, waits for {@code GO} on stdin, then loops until killed over its own
 * keys ({@link WriterValue#key}), with self-verifying values ({@link WriterValue}):
 * <ul>
 *   <li>before each write: {@code OP <key index> <seq> <S|G|R>} (set, getAndSet, remove/getAndRemove);</li>
 *   <li>after it returned: {@code ACK <key index> <seq>} for a set or getAndSet, {@code DEL <key index> <seq>} for a
 *       remove.</li>
 * </ul>
 * Each line is one write(2) to the pipe, so the parent knows every acknowledged write and every write that may
 * have been under way when the kill came. Only this writer writes its keys, so after its first operation on a key
 * it knows exactly what the key holds and checks it on every read (getAndSet's old value, getAndRemove's, and plain
 * gets); before that, a value must be intact and older than this incarnation. Any mismatch prints
 * {@code BAD ...} and exits with {@link ChildSupport#EXIT_BAD}, as does an operation slower than
 * {@link #OPERATION_BOUND_MILLIS}.
 */
public final class WriterChild {
    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final long ABSENT = -1;
    /** No operation may take longer, even while it waits for and repairs pages that killed writers left. */
    static final long OPERATION_BOUND_MILLIS = 5_000;

    private WriterChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, WriterChild::run);
    }

    private static void run(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        int writer = Integer.parseInt(args[3]);
        int incarnation = Integer.parseInt(args[4]);
        int keyCount = Integer.parseInt(args[5]);
        int minPayload = Integer.parseInt(args[6]);
        int maxPayload = Integer.parseInt(args[7]);
        Random random = new Random(Long.parseLong(args[8]));

        byte[][] keys = new byte[keyCount][];
        long[] known = new long[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = WriterValue.key(writer, i);
            known[i] = UNKNOWN;
        }
        long base = WriterValue.seq(incarnation, 0);
        FastMmap cache = ChildSupport.open(file, pageCount, pageSize, Duration.ofSeconds(10));
        ChildSupport.println("READY " + ChildSupport.identity(cache));
        ChildSupport.awaitCommand("GO");

        String[] problem = new String[1];
        for (int counter = 1; ; counter++) {
            long seq = WriterValue.seq(incarnation, counter);
            int index = random.nextInt(keyCount);
            byte[] key = keys[index];
            int op = random.nextInt(100);
            long startNanos = System.nanoTime();
            if (op < 5) {
                check(key, writer, index, known[index], base, cache.get(key), "get", problem);
            } else if (op < 85) {
                byte[] value = WriterValue.encode(key, writer, seq,
                        minPayload + random.nextInt(maxPayload - minPayload + 1), random);
                if (op < 50) {
                    ChildSupport.println("OP " + index + " " + seq + " S");
                    cache.set(key, value);
                } else {
                    ChildSupport.println("OP " + index + " " + seq + " G");
                    long expected = known[index];
                    byte[] stored = cache.getAndSet(key, old -> {
                        check(key, writer, index, expected, base, old, "getAndSet's old value", problem);
                        return problem[0] == null ? value : old;
                    });
                    if (problem[0] == null && !Arrays.equals(stored, value)) {
                        problem[0] = "getAndSet returned " + ChildSupport.hex(stored, 32) + " instead of the value "
                                + "it stored, seq " + WriterValue.seqText(seq);
                    }
                }
                report(problem, index);
                ChildSupport.println("ACK " + index + " " + seq);
                known[index] = seq;
            } else {
                ChildSupport.println("OP " + index + " " + seq + " R");
                if (random.nextBoolean()) {
                    boolean removed = cache.remove(key);
                    if (known[index] != UNKNOWN && removed != (known[index] != ABSENT)) {
                        problem[0] = "remove returned " + removed + " but the key's last write by this process was "
                                + describe(known[index]);
                    }
                } else {
                    check(key, writer, index, known[index], base, cache.getAndRemove(key), "getAndRemove's value",
                            problem);
                }
                report(problem, index);
                ChildSupport.println("DEL " + index + " " + seq);
                known[index] = ABSENT;
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            if (problem[0] == null && millis > OPERATION_BOUND_MILLIS) {
                problem[0] = "SLOW: operation " + WriterValue.seqText(seq) + " took " + millis + " ms";
            }
            report(problem, index);
        }
    }

    private static void check(byte[] key, int writer, int index, long expected, long base, byte[] read, String what,
            String[] problem) {
        if (problem[0] != null) {
            return;
        }
        if (read == null) {
            if (expected != UNKNOWN && expected != ABSENT) {
                problem[0] = what + " of key " + index + " is null, but this process last wrote seq "
                        + WriterValue.seqText(expected);
            }
            return;
        }
        long seq;
        try {
            seq = WriterValue.verify(key, writer, read);
        } catch (IllegalArgumentException e) {
            problem[0] = what + " of key " + index + ": " + e.getMessage();
            return;
        }
        if (expected == UNKNOWN ? seq >= base : seq != expected) {
            problem[0] = what + " of key " + index + " has seq " + WriterValue.seqText(seq) + ", expected "
                    + (expected == UNKNOWN ? "one older than this incarnation (" + WriterValue.seqText(base) + ")"
                    : describe(expected));
        }
    }

    private static String describe(long known) {
        return known == ABSENT ? "a remove" : known == UNKNOWN ? "unknown" : "seq " + WriterValue.seqText(known);
    }

    private static void report(String[] problem, int index) {
        if (problem[0] != null) {
            ChildSupport.bad("writer key " + index + ": " + problem[0]);
        }
    }
}
