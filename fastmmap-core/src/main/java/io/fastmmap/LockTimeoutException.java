package io.fastmmap;

/**
 * A page lock could not be taken within the configured lock timeout because another live process or thread
 * held it the whole time (a process paused with SIGSTOP, or a very slow {@code getAndSet} update function).
 * A lock held by a process that died is never the cause: such locks are recovered within milliseconds.
 * Nothing was changed; the call may be retried.
 */
public class LockTimeoutException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /** @param message which page, who holds it, for how long, and what to do */
    public LockTimeoutException(String message) {
        super(message);
    }
}
