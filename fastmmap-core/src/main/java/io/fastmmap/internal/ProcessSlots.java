package io.fastmmap.internal;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheFileException;
import io.fastmmap.LockTimeoutException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

/**
 * Tells live processes from dead ones, LMDB's way: every process attached to a file holds an exclusive fcntl lock
 * on one byte of its own (its slot), and the kernel drops that lock the instant the process dies, however it dies.
 * A lock word naming a slot whose byte nobody holds belongs to a dead process. A process that is merely paused
 * (a long GC, SIGSTOP) still holds its byte, so it is never taken for dead. Slot numbers, not pids, identify
 * holders, because pids repeat across containers.
 *
 * <p>The lock bytes lie far beyond the end of the file ({@link #LOCK_BYTES_BASE}), so they never cover data.
 *
 * <p>All channel calls run on one private thread that nobody interrupts ({@link IoThread}): an interrupted thread
 * that touches a {@link FileChannel} closes it, and closing it would drop this process's locks and let others take
 * this process for dead.
 */
final class ProcessSlots implements AutoCloseable {
    static final long LOCK_BYTES_BASE = 1L << 62;
    /** The gate's lock byte, just after the slots' ({@link #enterGate}). */
    static final long GATE = LOCK_BYTES_BASE + FileLayout.PROCESS_SLOT_COUNT;

    private final Path file;
    private final FileChannel channel;
    private final IoThread ioThread;
    private FileLock slotLock;
    private FileLock gateLock;
    private int slot = -1;

    ProcessSlots(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        this.ioThread = new IoThread(file);
    }

    /** Claims the first free slot; called once, before any page lock is taken. */
    int claim() {
        slot = onIoThread(() -> {
            for (int i = 0; i < FileLayout.PROCESS_SLOT_COUNT; i++) {
                FileLock lock = tryLock(LOCK_BYTES_BASE + i, 1);
                if (lock != null) {
                    slotLock = lock;
                    return i;
                }
            }
            throw new CacheFileException(file, "all " + FileLayout.PROCESS_SLOT_COUNT
                    + " process slots are taken: too many processes have this cache open at once");
        });
        return slot;
    }

    int slot() {
        return slot;
    }

    /** @return false only when no process holds {@code otherSlot}'s lock byte right now */
    boolean isAlive(int otherSlot) {
        if (otherSlot == slot) {
            return true;
        }
        return held(LOCK_BYTES_BASE + otherSlot, 1);
    }

    /**
     * @return true when some other process holds a slot. Only call without a slot of our own (before
     *     {@link #claim()} or after {@link #releaseSlot()}): this JVM's own lock would overlap the probe.
     */
    boolean othersAttached() {
        return held(LOCK_BYTES_BASE, FileLayout.PROCESS_SLOT_COUNT);
    }

    /** @return true when some process (or this JVM) holds a lock on a byte of the range */
    private boolean held(long position, long size) {
        return onIoThread(() -> {
            FileLock probe = tryLock(position, size);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        });
    }

    /** @return the size of the file this channel has open (even deleted or renamed), or -1 when it cannot be read */
    long fileSize() {
        try {
            try {
                return onIoThread(channel::size);
            } catch (InternalError deferred) { // a fault this thread had pending: the size is asked for its sake
                return onIoThread(channel::size);
            }
        } catch (CacheFileException | CacheClosedException unreadable) {
            return -1; // the channel or its thread is closed
        }
    }

    void releaseSlot() {
        onIoThread(() -> {
            if (slotLock != null && slotLock.isValid()) {
                slotLock.release();
            }
            slotLock = null;
            return null;
        });
    }

    /**
     * Takes the file's gate, a lock byte after the slots' (see {@link #GATE}): shared while this process attaches
     * (from before it checks that the path still names this file until it holds its slot), exclusive while it
     * replaces or deletes the file (from before it checks that nobody is attached until the path names the new
     * file or none). So a process never attaches to a file that is being replaced or deleted: it waits, then finds
     * the path changed and opens the new file.
     *
     * @throws LockTimeoutException when another process holds the gate longer than {@code timeoutNanos}
     */
    void enterGate(boolean shared, long timeoutNanos) {
        Backoff backoff = new Backoff(timeoutNanos, () -> file + ": another process kept the file's gate (it is "
                + (shared ? "replacing or deleting the file" : "opening, replacing or deleting the file")
                + "); retry, or raise lockTimeout when it carries many entries over to a new geometry");
        try {
            while (true) {
                FileLock lock = onIoThread(() -> tryLock(GATE, 1, shared));
                if (lock != null) {
                    gateLock = lock;
                    return;
                }
                backoff.pause();
            }
        } finally {
            backoff.finish();
        }
    }

    void leaveGate() {
        onIoThread(() -> {
            if (gateLock != null && gateLock.isValid()) {
                gateLock.release();
            }
            gateLock = null;
            return null;
        });
    }

    /**
     * @return true when a process holds a slot or the gate of the file this channel names. For a creator's
     *     leftover temporary file: one nobody holds was left by a process that died.
     */
    boolean anyoneAttachedOrCreating() {
        return held(LOCK_BYTES_BASE, GATE + 1 - LOCK_BYTES_BASE);
    }

    private FileLock tryLock(long position, long size) throws IOException {
        return tryLock(position, size, false);
    }

    private FileLock tryLock(long position, long size, boolean shared) throws IOException {
        try {
            return channel.tryLock(position, size, shared);
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    private <T> T onIoThread(IoThread.IoCall<T> call) {
        return ioThread.call(call);
    }

    @Override
    public void close() {
        ioThread.stop();
    }
}
