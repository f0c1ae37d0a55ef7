package io.fastmmap.internal;

/**
 * One entry per process slot: who holds the slot, for diagnostics (lock timeouts name the holder's pid; the CLI
 * lists attached processes). Liveness is never read from here: a slot is alive exactly while some process holds
 * the fcntl lock on its lock byte (see {@link ProcessSlots}), which the kernel drops when that process dies.
 *
 * <pre>
 *  0           8                  16
 *  +-----------+------------------+
 *  | pid       | attachedAtMillis |
 *  +-----------+------------------+
 * </pre>
 */
final class ProcessTable {
    static final int ENTRY_BYTES = 16;
    static final int PID_OFFSET = 0;
    static final int ATTACHED_AT_OFFSET = 8;

    private ProcessTable() {
    }

    static long entryOffset(int slot) {
        return FileLayout.PROCESS_TABLE_OFFSET + (long) slot * ENTRY_BYTES;
    }
}
