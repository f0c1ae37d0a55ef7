package io.fastmmap.internal;

import io.fastmmap.CacheReader;
import io.fastmmap.FastMmap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * T6, jcstress: slot publication. A writer stores a record and publishes it by one release store of its slot word
 * (or, when the page must be compacted, by switching the page's directory entry to a new image); a reader must see
 * the key as it was or as it is now, never a slot that names a record not fully written.
 *
 * <p>Four variants, by state: the key absent before (insert) or holding an old value (replace), read by the
 * lock-free reader ({@link CacheReader}: optimistic reads validated against the page's lock word) or by the locked
 * {@link FastMmap#get}. Values are a pure function of the key, so a read can be told apart exactly: absent, old,
 * new, or anything else (torn, foreign, or an exception).
 *
 * <p>Result: {@code r1} what the reader saw (0 absent, 1 the old value, 2 the new value, 3 other bytes, 4 an
 * exception), {@code r2} the variant (0 insert, 1 replace: lock-free; 2 insert, 3 replace: locked).
 */
@JCStressTest
@Outcome(id = {"0, 0", "2, 0", "0, 2", "2, 2"}, expect = Expect.ACCEPTABLE,
        desc = "insert: absent, or the whole new value")
@Outcome(id = {"1, 1", "2, 1", "1, 3", "2, 3"}, expect = Expect.ACCEPTABLE,
        desc = "replace: the whole old or new value")
@Outcome(expect = Expect.FORBIDDEN, desc = "a torn or foreign value, an exception, a replaced key seen absent, or "
        + "a removed value seen")
@State
public class SlotPublicationStress {
    /** Keys recycled round robin; few enough that no page ever evicts (a replaced key must never read absent). */
    static final int KEYS = 1 << 14;
    private static final Shared SHARED = new Shared();

    private final int keyNumber = SHARED.keys.claim();
    private final byte[] key = key(keyNumber);
    private final int variant = Math.floorMod(keyNumber, 4);

    public SlotPublicationStress() {
        if (isReplace()) {
            SHARED.cache.set(key, value(keyNumber, false));
        } else {
            SHARED.cache.remove(key);
        }
    }

    private boolean isReplace() {
        return (variant & 1) == 1;
    }

    @Actor
    public void writer() {
        SHARED.cache.set(key, value(keyNumber, true));
    }

    @Actor
    public void reader(II_Result result) {
        try {
            byte[] seen = variant < 2 ? SHARED.reader.get(key) : SHARED.cache.get(key);
            result.r1 = seen == null ? 0 : Arrays.equals(seen, value(keyNumber, false)) ? 1
                    : Arrays.equals(seen, value(keyNumber, true)) ? 2 : 3;
        } catch (RuntimeException e) {
            result.r1 = 4;
        }
        result.r2 = variant;
    }

    @Arbiter
    public void arbiter() {
        SHARED.keys.free(keyNumber);
    }

    static byte[] key(int number) {
        return ("slot-" + number).getBytes(StandardCharsets.US_ASCII);
    }

    /** Old and new values differ in length and in every byte, and name their key, so a mix of any two is caught. */
    static byte[] value(int number, boolean isNew) {
        byte[] value = new byte[isNew ? 40 + number % 251 : 16 + number % 173];
        Arrays.fill(value, (byte) (isNew ? 'n' : 'o'));
        byte[] name = key(number);
        System.arraycopy(name, 0, value, 0, Math.min(name.length, value.length));
        return value;
    }

    /** One cache (1,024 pages of 16 KiB: about 16 keys, 3 KiB, a page) and one lock-free reader of it per JVM. */
    static final class Shared {
        final StressFiles.Claims keys = new StressFiles.Claims(KEYS);
        final FastMmap cache;
        final CacheReader reader;

        Shared() {
            Path file = StressFiles.newPath("slots");
            cache = FastMmap.builder(file).pageCount(1024).pageSize(16 << 10).build();
            reader = CacheReader.open(file);
        }
    }
}
