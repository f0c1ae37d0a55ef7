package io.fastmmap.internal;

import io.fastmmap.LockTimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * How a thread waits for something another thread or process holds: spin briefly (the holder is usually done
 * within a microsecond), then yield, then park for growing intervals up to 0.2 ms, so a long wait costs
 * no core. {@link #pause()} says when it is time to check whether the holder died; the waiter gives up after
 * the lock timeout. An interrupt does not end the wait (a cache call must not leave shared state half-done); it
 * is remembered and restored by {@link #finish()}.
 */
final class Backoff {
    private static final int SPINS = 100;
    private static final int YIELDS = 20;
    private static final long FIRST_PROBE_NANOS = 2_000_000;
    private static final long PROBE_INTERVAL_NANOS = 20_000_000;
    /** Short enough that a waiter is back soon after a busy holder lets go; long enough to cost no CPU. */
    private static final long MAX_PARK_NANOS = 200_000;

    private final long startNanos;
    private final long timeoutNanos;
    private final Supplier<String> timeoutMessage;
    private long nextProbeNanos;
    private int rounds;
    private long parkNanos = 10_000;
    private boolean interrupted;

    Backoff(long timeoutNanos, Supplier<String> timeoutMessage) {
        this.startNanos = System.nanoTime();
        this.timeoutNanos = timeoutNanos;
        this.timeoutMessage = timeoutMessage;
        this.nextProbeNanos = startNanos + FIRST_PROBE_NANOS;
    }

    /**
     * Waits a little.
     *
     * @return true when the caller should check whether the holder is still alive
     * @throws LockTimeoutException when the lock timeout has passed
     */
    boolean pause() {
        rounds++;
        if (rounds <= SPINS) {
            Thread.onSpinWait();
        } else if (rounds <= SPINS + YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(MAX_PARK_NANOS, parkNanos * 2);
            if (Thread.interrupted()) {
                interrupted = true; // parkNanos returns at once while the flag is set
            }
        }
        long now = System.nanoTime();
        if (now - startNanos > timeoutNanos) {
            finish();
            throw new LockTimeoutException(timeoutMessage.get() + " after waiting "
                    + (now - startNanos) / 1_000_000 + " ms");
        }
        if (now - nextProbeNanos >= 0) {
            nextProbeNanos = now + PROBE_INTERVAL_NANOS;
            return true;
        }
        return false;
    }

    long waitedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Restores the caller's interrupt status. */
    void finish() {
        if (interrupted) {
            Thread.currentThread().interrupt();
            interrupted = false;
        }
    }
}
