package io.fastmmap.internal;

import io.fastmmap.CacheFileException;
import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.LockTimeoutException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * This JVM's one connection to one cache file: the channel, the mapping, the process slot and the page locks.
 * Every {@code FastMmap} of the same file in this JVM shares it, because POSIX drops all of a process's fcntl
 * locks on a file when any descriptor of that file is closed: a second channel, closed, would make other
 * processes take this one for dead.
 */
final class Attachment {
    private static final Map<Object, Attachment> OPEN = new HashMap<>();

    final Path file;
    final FileLayout layout;
    final PageStore store;
    final PageLocks locks;
    private final Object fileKey;
    private final java.nio.channels.FileChannel channel;
    private final SharedMemory memory;
    private final ProcessSlots slots;
    /** Guarded by {@code OPEN}. */
    private int references = 1;
    /**
     * Guarded by {@code OPEN}: the last user released it, and it stays in {@code OPEN} until its channel is
     * closed, so that no second channel of the file is opened in this JVM meanwhile (its locks would be dropped
     * when this one's channel closes).
     */
    private boolean closing;
    private volatile boolean closed;
    private final long lockTimeoutNanos;

    private Attachment(CacheFile.Opened opened, CacheConfig config) {
        this.file = opened.file();
        this.layout = opened.layout();
        this.fileKey = opened.fileKey();
        this.channel = opened.channel();
        this.memory = opened.memory();
        this.lockTimeoutNanos = config.lockTimeoutNanos();
        this.slots = opened.slots();
        try {
            try {
                slots.claim();
            } finally {
                slots.leaveGate(); // taken before the path was checked (CacheFile): now the slot says we are here
            }
            memory.putLong(ProcessTable.entryOffset(slots.slot()) + ProcessTable.PID_OFFSET,
                    ProcessHandle.current().pid());
            memory.putLong(ProcessTable.entryOffset(slots.slot()) + ProcessTable.ATTACHED_AT_OFFSET,
                    config.clock().millis());
            this.locks = new PageLocks(memory, layout, slots, file, config.lockTimeoutNanos());
            this.store = new PageStore(memory, layout, file, opened.hashSeed(), locks);
            recoverPagesOfPreviousSlotHolder();
        } catch (RuntimeException | Error e) {
            // Closed here, never left to the garbage collector: the JDK's Cleaner would close the descriptor at
            // some later moment, and closing any descriptor of the file drops every fcntl lock this process holds
            // on it, the process slot of a later, healthy connection included (see the class comment).
            memory.close();
            slots.close();
            CacheFile.closeQuietly(channel);
            throw e;
        }
    }

    /** Opens the file, or joins this JVM's existing connection to it. */
    static Attachment open(CacheConfig config) {
        Path file = config.file().toAbsolutePath();
        CacheFile.ensureDirectory(file);
        RemoteFileSystems.check(file, config.allowRemoteFileSystem());
        synchronized (OPEN) {
            for (int attempt = 0; attempt < 100; attempt++) {
                BasicFileAttributes attributes = CacheFile.attributesOrNull(file);
                CacheFile.Opened opened;
                if (attributes == null) {
                    opened = CacheFile.create(config, file, false);
                } else {
                    CacheFile.checkTrusted(file, attributes, config);
                    Attachment existing = OPEN.get(attributes.fileKey());
                    if (existing != null && existing.closing) {
                        awaitClosed(existing, config.lockTimeoutNanos());
                        continue;
                    }
                    if (existing != null) {
                        return existing.join(config);
                    }
                    warnIfReplaced(file, attributes.fileKey());
                    opened = CacheFile.openExisting(config, file, attributes.fileKey());
                }
                if (opened != null) {
                    Attachment attachment = new Attachment(opened, config);
                    OPEN.put(attachment.fileKey, attachment);
                    return attachment;
                }
            }
        }
        throw new CacheFileException(file, "another process kept creating and removing the file while this one "
                + "tried to open it; retry");
    }

    /**
     * Another program replaced the file under a path this JVM still has open (an operation cannot afford to look:
     * a system call each). Opening the path again is a cheap moment to notice it and say so; {@code verify()}
     * and {@code verifyNext()} notice it too. Called holding {@code OPEN}'s monitor.
     */
    private static void warnIfReplaced(Path file, Object fileKey) {
        for (Attachment open : OPEN.values()) {
            if (open.file.equals(file) && !open.fileKey.equals(fileKey) && !open.closing) {
                EngineWarnings.warn(file, EngineWarnings.Kind.REPLACED, () -> "opened again in this JVM, the path "
                        + "names another file than the one this JVM's earlier caches of it use (deleted and "
                        + "recreated, or renamed over it): those caches and the new one do not share entries: close "
                        + "the earlier ones and open the path again, and find what replaced the file");
            }
        }
    }

    /** Waits, holding no lock but {@code OPEN}'s monitor between waits, until {@code closing} is closed. */
    private static void awaitClosed(Attachment closing, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (OPEN.get(closing.fileKey) == closing) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new LockTimeoutException(closing.file + ": is still being closed in this JVM: a thread is "
                        + "still inside a call of a closed cache of this file (" + closing.locks.describeHolders()
                        + "); open it again once that call has returned, or raise lockTimeout");
            }
            try {
                OPEN.wait(Math.max(1, remaining / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CacheFileException(closing.file, "interrupted while waiting for this JVM's previous "
                        + "connection to the file to close; retry");
            }
        }
    }

    /**
     * Runs {@code action} with this JVM's attachment to {@code file}, or null when it has none, while no attachment
     * can open or close.
     */
    static <T> T withAttachedOrNot(Path file, Function<Attachment, T> action) {
        synchronized (OPEN) {
            while (true) {
                BasicFileAttributes attributes = CacheFile.attributesOrNull(file);
                Attachment attached = attributes == null ? null : OPEN.get(attributes.fileKey());
                if (attached == null || !attached.closing) {
                    return action.apply(attached);
                }
                // Its mapping may be gone already, and a descriptor of our own must wait until its channel is.
                awaitClosed(attached, attached.lockTimeoutNanos);
            }
        }
    }

    ByteBuffer headerBytes() {
        byte[] bytes = new byte[FileHeader.HEADER_USED_BYTES];
        memory.copyToArray(0, bytes, 0, bytes.length);
        return ByteBuffer.wrap(bytes);
    }

    /** A read-only mapping of the whole file, made through this attachment's own descriptor. */
    SharedMemory mapReadOnly() throws IOException {
        return SharedMemory.mapReadOnly(channel, layout.fileSize(), layout.geometry().pageSizeBytes());
    }

    /**
     * @return null while the path still names the file this process has mapped; else what happened to it. Another
     *     program may delete the file or rename another over it: processes attached before keep sharing the file
     *     they mapped, processes opening the path afterwards get the new one, and the two groups no longer see
     *     each other's entries.
     */
    String pathChange() {
        BasicFileAttributes now;
        try {
            now = CacheFile.attributesOrNull(file);
        } catch (CacheFileException unreadable) {
            return "its path can no longer be read (" + unreadable.getMessage() + ")";
        }
        if (now == null) {
            return "it was deleted: no file has this path now";
        }
        return fileKey.equals(now.fileKey()) ? null : "another file was put in its place (deleted and recreated, or "
                + "renamed over it)";
    }

    /** @return the size of the mapped file itself, whatever its path names now; -1 when it cannot be read */
    long sizeOnDisk() {
        return slots.fileSize();
    }

    private Attachment join(CacheConfig config) {
        Geometry geometry = layout.geometry();
        if (!geometry.equals(config.geometry())) {
            throw new IncompatibleCacheFileException(file, "is open in this JVM with pageSize="
                    + geometry.pageSizeBytes() + ", pageCount=" + geometry.pageCount() + " but this cache asks for "
                    + "pageSize=" + config.geometry().pageSizeBytes() + ", pageCount=" + config.geometry().pageCount()
                    + "; use the same geometry");
        }
        references++;
        return this;
    }

    /**
     * A process that held this slot before and died may have left pages locked in its name. Nobody else can
     * recover them (the slot looks alive: we hold it), so this process does, before its threads lock anything.
     */
    private void recoverPagesOfPreviousSlotHolder() {
        for (int page = 0; page < layout.geometry().pageCount(); page++) {
            if (locks.adoptStale(page)) {
                try {
                    if (store.interrupted(page)) {
                        store.recover(page);
                    }
                } finally {
                    locks.unlock(page);
                }
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Drops one user; the last one unmaps the file and gives up the process slot. Threads still inside a call (a
     * long getAndSet update function) finish it first; when they take longer than the lock timeout, a background
     * thread finishes the close once they are done, and the attachment stays reachable until then.
     *
     * @param deleteFile delete the file when no other process has it open
     */
    void release(boolean deleteFile) {
        synchronized (OPEN) {
            if (--references > 0) {
                return;
            }
            closing = true;
        }
        closed = true;
        // A thread that took a page lock before seeing `closed` finishes its call first: unmapping under it
        // would fail the call, and giving up the slot would let others take its lock while it still writes.
        // Waiters give up (CacheClosedException); they must be gone before the lock thread stops.
        locks.close();
        // Truncated: the lock words may be gone, and no call can still be changing pages that exist. Not read, as the
        // fault of reading them surfaces on Java 17 at the thread's next entry into the VM, anywhere below.
        Throwable fault = MappingFault.ifTruncated(file, layout.fileSize(), sizeOnDisk());
        if (fault == null) {
            try {
                if (!awaitCallsDone(deleteFile)) {
                    return;
                }
            } catch (InternalError lost) { // truncated after the size was read
                fault = explain(lost);
            }
        }
        finishRelease(deleteFile);
        if (fault instanceof RuntimeException report) {
            throw report;
        }
        if (fault != null) {
            throw (Error) fault;
        }
    }

    /**
     * @return true when no thread is inside a call any more; false when they take longer than the lock timeout, and
     *     a background thread finishes the close once they are done
     */
    private boolean awaitCallsDone(boolean deleteFile) {
        Backoff backoff = locks.backoff("this process's page locks to be released before closing");
        try {
            while (locks.busy()) {
                backoff.pause();
            }
            deliverDeferredFault();
            return true;
        } catch (LockTimeoutException stillBusy) {
            Thread closer = new Thread(() -> {
                try {
                    while (locks.busy()) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    deliverDeferredFault();
                } catch (InternalError lost) {
                    explain(lost); // logged; nobody to throw to
                }
                finishRelease(deleteFile);
            }, "fastmmap-close " + file.getFileName());
            closer.setDaemon(true);
            closer.start();
            return false;
        } finally {
            backoff.finish();
        }
    }

    /**
     * Java 17 reports a fault of compiled code later, at a native call of the thread, so a fault of the lock words
     * read above would surface in the middle of {@code finishRelease} (closing the channel, seen in
     * EngineWarningsTest); a native call here brings it out where it is caught, in the runs seen.
     */
    private static void deliverDeferredFault() {
        Thread.yield();
    }

    /**
     * @return the {@link CacheFileException} that says the file was truncated under its mapping (and logs it), or
     *     {@code fault} itself when the file is intact
     */
    private Throwable explain(InternalError fault) {
        try {
            return MappingFault.translate(this, fault);
        } catch (InternalError intact) {
            return intact;
        }
    }

    private void finishRelease(boolean deleteFile) {
        try {
            memory.close();
            slots.releaseSlot();
            if (deleteFile) {
                // With the gate held, a process that is attaching finishes first (and is seen), and one that comes
                // later waits, then finds the path gone and creates a new file: none attaches to a deleted file.
                slots.enterGate(false, lockTimeoutNanos);
                // Never the file that replaced ours under the same path: that one belongs to other processes.
                if (!slots.othersAttached() && pathChange() == null) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot delete the cache file on close: " + e, e);
        } finally {
            slots.close();
            CacheFile.closeQuietly(channel);
            synchronized (OPEN) {
                OPEN.remove(fileKey);
                OPEN.notifyAll();
            }
        }
    }
}
