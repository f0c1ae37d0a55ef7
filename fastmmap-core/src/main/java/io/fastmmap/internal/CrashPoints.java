package io.fastmmap.internal;

/**
 * A test-only fault injector: with {@code -Dfastmmap.test.haltAfterStores=N}, the process halts (as a SIGKILL
 * would end it: no finally blocks, no shutdown hooks) right after the N-th store to shared memory made once
 * {@link #arm()} was called. Tests move N forward one store at a time through an operation, so every
 * intermediate state a crash can leave is produced and recovered from.
 *
 * <p>Off unless the property is set; {@link #ENABLED} is a constant, so the checks compile away.
 */
public final class CrashPoints {
    static final int HALT_AFTER = Integer.getInteger("fastmmap.test.haltAfterStores", 0);
    static final boolean ENABLED = HALT_AFTER > 0;
    public static final int HALT_EXIT_CODE = 137;
    private static volatile boolean armed;
    private static int stores;

    private CrashPoints() {
    }

    /** Starts counting stores. */
    public static void arm() {
        stores = 0;
        armed = true;
    }

    /** Called by {@link SharedMemory} after each store. */
    static void stored() {
        if (armed && ++stores >= HALT_AFTER) {
            Runtime.getRuntime().halt(HALT_EXIT_CODE);
        }
    }
}
