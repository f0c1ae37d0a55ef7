package io.fastmmap.internal;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * T6, jcstress: the in-progress marker ({@link PageDirectory#OPERATION_OFFSET}). A mutation sets the marker before
 * its first store and clears it after its last; whoever takes the lock of a holder that died trusts a clear marker to mean
 * "the page is whole" and repairs the page otherwise. That trust holds only if no store of the mutation can be seen
 * before the marker is set, and none after it is cleared.
 *
 * <p>The holder runs a real {@link PageStore#put} that replaces a key's value, under the page lock: on even pages it
 * fits and is appended in place, on odd pages it does not and the page is compacted into a spare. The observer plays
 * the process that takes the lock over (without the lock, since a dead holder never releases it): it reads the
 * marker, then the key through the engine's own checked reads, then, after a load fence, the marker again. The
 * marker starts at a value the engine never writes ({@link #BEFORE}), so the observer can tell the state before the
 * mutation from the clear that ends it.
 *
 * <p>Result: {@code r1} the marker first read, {@code r3} the marker read last (0 before the mutation, 1 set, 2
 * cleared by it); {@code r2} the key (0 absent, 1 the old value, 2 the new value, 3 a check failed, 4 other bytes).
 * Forbidden: the marker seen cleared with anything but the whole new value (a taker would trust a half-written page),
 * and a change seen while the marker still reads as before the mutation (the marker set too late to guard it).
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE, desc = "read before the mutation: the old value")
@Outcome(id = "2, 2, 2", expect = Expect.ACCEPTABLE, desc = "read after the mutation: the whole new value")
@Outcome(id = {"0, 0, 1", "0, 1, 1", "0, 2, 1", "0, 3, 1", "0, 4, 1", "1, 0, 1", "1, 1, 1", "1, 2, 1", "1, 3, 1",
        "1, 4, 1", "0, 0, 2", "0, 1, 2", "0, 2, 2", "0, 3, 2", "0, 4, 2", "1, 0, 2", "1, 1, 2", "1, 2, 2", "1, 3, 2",
        "1, 4, 2"}, expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "read during the mutation: anything, but the marker was set (a taker repairs) or the read spanned it")
@Outcome(expect = Expect.FORBIDDEN, desc = "a cleared marker with a half-written page, or a change before the marker")
@State
public class InProgressMarkerStress {
    /** A marker value the engine never writes. */
    static final int BEFORE = 0x7e57;
    /** Pages recycled round robin: more than jcstress keeps states alive at once. */
    static final int PAGES = 1 << 14;
    static final byte[] KEY = "marked".getBytes(StandardCharsets.US_ASCII);
    private static final Shared SHARED = new Shared();

    private final int page = SHARED.pages.claim();
    private final byte[] oldValue = value((page & 1) == 0 ? 200 : 1800, 'o');
    private final byte[] newValue = value((page & 1) == 0 ? 300 : 2200, 'n');

    public InProgressMarkerStress() {
        SHARED.locks.lock(page, SHARED.timeoutNanos);
        try {
            long now = System.currentTimeMillis();
            SHARED.store.sweep(page, PageStore.Mode.CLEAR, now);
            SHARED.store.put(page, KEY, SHARED.tag, oldValue, 0, now);
            SHARED.store.memory().putIntVolatile(SHARED.marker(page), BEFORE);
        } finally {
            SHARED.locks.unlock(page);
        }
    }

    @Actor
    public void holder() {
        SHARED.locks.lock(page, SHARED.timeoutNanos);
        try {
            SHARED.store.put(page, KEY, SHARED.tag, newValue, 0, System.currentTimeMillis());
        } finally {
            SHARED.locks.unlock(page);
        }
    }

    @Actor
    public void observer(III_Result result) {
        SharedMemory memory = SHARED.store.memory();
        result.r1 = markerState(memory.getIntVolatile(SHARED.marker(page)));
        result.r2 = readKey();
        VarHandle.acquireFence(); // the page reads above happen before the marker read below
        result.r3 = markerState(memory.getIntVolatile(SHARED.marker(page)));
    }

    @Arbiter
    public void arbiter() {
        SHARED.pages.free(page);
    }

    private static int markerState(int marker) {
        return marker == BEFORE ? 0 : marker == PageDirectory.OP_IDLE ? 2 : 1;
    }

    /** Reads the key as a taker's first operation would: validated page header, probe, bounds and checksum. */
    private int readKey() {
        PageStore store = SHARED.store;
        try {
            long base = store.pageBase(page);
            int slot = store.find(page, base, KEY, SHARED.tag);
            if (slot < 0) {
                return 0;
            }
            byte[] value = store.peekValue(page, base, store.recordOffset(base, slot), KEY);
            return Arrays.equals(value, oldValue) ? 1 : Arrays.equals(value, newValue) ? 2 : 4;
        } catch (RuntimeException failedCheck) {
            return 3;
        }
    }

    private static byte[] value(int length, char fill) {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) fill);
        return value;
    }

    /** One cache file of 4 KiB pages per JVM, made and attached by the engine. */
    static final class Shared {
        final StressFiles.Claims pages = new StressFiles.Claims(PAGES);
        final Attachment attachment = StressFiles.open("marker", 4096, PAGES);
        final PageStore store = attachment.store;
        final PageLocks locks = attachment.locks;
        final int tag = (int) store.placement().hash(KEY);
        final long timeoutNanos = 30_000_000_000L;

        long marker(int page) {
            return store.directoryEntry(page) + PageDirectory.OPERATION_OFFSET;
        }
    }
}
