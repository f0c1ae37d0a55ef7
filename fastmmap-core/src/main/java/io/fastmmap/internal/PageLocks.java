package io.fastmmap.internal;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Page locks: one 64-bit word per logical page in the page directory, taken and released with plain CPU atomics,
 * so an uncontended lock costs a compare-and-set and no system call. It excludes threads of this JVM and other
 * processes alike. See {@link PageDirectory} for the word and {@link ProcessSlots} for telling dead holders
 * from paused ones.
 */
final class PageLocks {
    private final SharedMemory memory;
    private final long directoryOffset;
    private final ProcessSlots slots;
    private final Path file;
    private final long mappedBytes;
    private final long timeoutNanos;
    private final int slot;
    /** Which thread of this JVM holds each page, to refuse a nested call instead of waiting on ourselves. */
    private final Thread[] holders;
    /**
     * The exact lock word this process wrote when it took each page. Releasing after a close compares against it:
     * once this process's slot is given up, a new process may adopt a lock word naming the same slot, and only
     * the generation tells its lock from ours.
     */
    private final long[] heldWords;
    /** Threads in {@link #lockSlowly}: closing waits for them, since they may still probe other processes' slots. */
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile boolean closing;

    PageLocks(SharedMemory memory, FileLayout layout, ProcessSlots slots, Path file, long timeoutNanos) {
        this.memory = memory;
        this.directoryOffset = layout.directoryOffset();
        this.slots = slots;
        this.file = file;
        this.mappedBytes = layout.fileSize();
        this.timeoutNanos = timeoutNanos;
        this.slot = slots.slot();
        this.holders = new Thread[layout.geometry().pageCount()];
        this.heldWords = new long[layout.geometry().pageCount()];
    }

    private long lockWordAddress(int page) {
        return directoryOffset + (long) page * PageDirectory.ENTRY_BYTES + PageDirectory.LOCK_WORD_OFFSET;
    }

    /**
     * Takes the page lock, waiting up to {@code timeoutNanos} for a live holder.
     *
     * @throws CacheClosedException when this process's connection to the file is closing: a lock taken then is
     *     given back at once, since the process slot that the lock word names may already belong to another process
     */
    void lock(int page, long timeoutNanos) {
        long address = lockWordAddress(page);
        long word = memory.getLongVolatile(address);
        long held = PageDirectory.heldBy(word, slot);
        if (PageDirectory.holder(word) != 0 || !memory.compareAndSetLong(address, word, held)) {
            held = lockSlowly(page, address, timeoutNanos);
        }
        // Read after the compare-and-set, as close() sets `closing` before it looks for held locks: either this
        // thread sees `closing`, or close() sees the lock and waits for its release.
        if (closing) {
            memory.compareAndSetLong(address, held, PageDirectory.released(held));
            throw new CacheClosedException(file + ": this cache was closed");
        }
        heldWords[page] = held;
        holders[page] = Thread.currentThread();
    }

    /** @return the lock word written */
    private long lockSlowly(int page, long address, long timeoutNanos) {
        // Counted before the first look at `closing`, as in lock(): close() either sees this waiter or is seen.
        waiters.incrementAndGet();
        Backoff backoff = new Backoff(timeoutNanos, () -> describeTimeout("page " + page));
        try {
            while (true) {
                if (closing) {
                    throw new CacheClosedException(file + ": this cache was closed while this thread waited for "
                            + "the lock of page " + page);
                }
                long word = memory.getLongVolatile(address);
                int holder = PageDirectory.holder(word) - 1;
                long held = PageDirectory.heldBy(word, slot);
                if (holder < 0) {
                    if (memory.compareAndSetLong(address, word, held)) {
                        return held;
                    }
                    continue;
                }
                if (holder == slot && holders[page] == Thread.currentThread()) {
                    throw new IllegalStateException(file + ": page " + page + " is already locked by this thread; "
                            + "a getAndSet update function must not call the cache");
                }
                if (backoff.pause() && takeOverIfDead(page, address, word)) {
                    return held;
                }
            }
        } finally {
            waiters.decrementAndGet();
            backoff.finish();
        }
    }

    /**
     * Refuses new locks from now on; a thread that is waiting for one gives up with {@link CacheClosedException}.
     * Called when the last cache of this file in this JVM closes, before {@link #busy()} is polled.
     */
    void close() {
        closing = true;
    }

    /** @return true while some thread of this process holds a page lock or waits for one */
    boolean busy() {
        return waiters.get() > 0 || anyHeldByThisProcess();
    }

    /**
     * Takes the lock without waiting when it is free or its holder is dead; used to reach a page whose dead holder
     * still owns a spare page.
     */
    boolean tryLockAbandoned(int page) {
        long address = lockWordAddress(page);
        long word = memory.getLongVolatile(address);
        int holder = PageDirectory.holder(word) - 1;
        boolean taken = holder < 0
                ? memory.compareAndSetLong(address, word, PageDirectory.heldBy(word, slot))
                : holder != slot && takeOverIfDead(page, address, word);
        if (taken) {
            heldWords[page] = PageDirectory.heldBy(word, slot);
            holders[page] = Thread.currentThread();
        }
        return taken;
    }

    private boolean takeOverIfDead(int page, long address, long word) {
        int holder = PageDirectory.holder(word) - 1;
        if (holder == slot || slots.isAlive(holder)) {
            return false;
        }
        refuseIfTruncated();
        // The holder comes from the file: a damaged lock word may name a slot past the process table.
        String deadPid = holder < FileLayout.PROCESS_SLOT_COUNT
                ? Long.toString(memory.getLong(ProcessTable.entryOffset(holder) + ProcessTable.PID_OFFSET))
                : "of no slot (a damaged lock word naming slot " + holder + ")";
        // CAS from the exact word judged dead: if anyone took or released it meanwhile, this fails.
        if (!memory.compareAndSetLong(address, word, PageDirectory.heldBy(word, slot))) {
            return false;
        }
        countRecovery(page, "process " + deadPid + ", which died holding it");
        return true;
    }

    /**
     * Called before acting on what a page says about a dead holder or damage (rare moments, so the system call is
     * affordable): a file truncated under its mapping says nothing. On Java 17, compiled code reading the lost part
     * gets garbage until the fault is delivered, and that garbage must not be taken over or repaired, nor logged as
     * a dead process or a damaged page.
     *
     * @throws CacheFileException when the file is now shorter than its mapping
     */
    void refuseIfTruncated() {
        CacheFileException truncated = MappingFault.ifTruncated(file, mappedBytes, slots.fileSize());
        if (truncated != null) {
            throw truncated;
        }
    }

    private void countRecovery(int page, String from) {
        long counter = directoryOffset + (long) page * PageDirectory.ENTRY_BYTES
                + PageDirectory.LOCK_RECOVERY_COUNT_OFFSET;
        memory.putLong(counter, memory.getLong(counter) + 1);
        EngineWarnings.warn(file, EngineWarnings.Kind.LOCK_TAKEOVER, () -> "took over the lock of page " + page
                + " from " + from + " (cache.lock.recoveries counts these); the page is repaired next if that "
                + "process died in the middle of changing it, and no other page is affected. Nothing to repair by "
                + "hand: find out why the process died (kill -9, the OOM killer, a crash)");
    }

    /**
     * Adopts a lock that names this process's slot but was left by a process that held the slot before and died.
     * Called once when attaching, before any thread of this process can take a page lock.
     *
     * @return true when the page was adopted (and is now locked by the caller)
     */
    boolean adoptStale(int page) {
        long address = lockWordAddress(page);
        long word = memory.getLongVolatile(address);
        long held = PageDirectory.heldBy(word, slot);
        if (PageDirectory.holder(word) - 1 != slot || !memory.compareAndSetLong(address, word, held)) {
            return false;
        }
        heldWords[page] = held;
        holders[page] = Thread.currentThread();
        countRecovery(page, "the process that held this process's slot before (pid "
                + memory.getLong(ProcessTable.entryOffset(slot) + ProcessTable.PID_OFFSET) + ") and died holding it");
        return true;
    }

    void unlock(int page) {
        holders[page] = null;
        long address = lockWordAddress(page);
        long word = memory.getLongVolatile(address);
        if (word != heldWords[page]) {
            throw new io.fastmmap.CacheCorruptedException(file + ": the lock of page " + page + " was taken from "
                    + "this process while it held it (lock word " + Long.toHexString(word) + "); other processes "
                    + "took this one for dead, which happens when code in this JVM opens and closes the cache file "
                    + "itself (that drops this process's file locks): never open the cache file by other means");
        }
        memory.putLongRelease(address, PageDirectory.released(word));
    }

    /** @return true when some thread of this process holds some page lock */
    boolean anyHeldByThisProcess() {
        for (int page = 0; page < holders.length; page++) {
            if (PageDirectory.holder(memory.getLongVolatile(lockWordAddress(page))) - 1 == slot) {
                return true;
            }
        }
        return false;
    }

    /** A wait bounded by the lock timeout of the first cache that opened the file in this JVM. */
    Backoff backoff(String what) {
        return new Backoff(timeoutNanos, () -> describeTimeout(what));
    }

    private String describeTimeout(String what) {
        return file + ": gave up waiting for " + what + ", held by a live process or thread (" + describeHolders()
                + "); if a process is paused (SIGSTOP, debugger) resume it, or raise lockTimeout";
    }

    String describeHolders() {
        StringBuilder text = new StringBuilder();
        for (int page = 0; page < holders.length && text.length() < 200; page++) {
            int holder = PageDirectory.holder(memory.getLongVolatile(lockWordAddress(page))) - 1;
            if (holder >= 0) {
                long pid = memory.getLong(ProcessTable.entryOffset(holder) + ProcessTable.PID_OFFSET);
                text.append(text.length() == 0 ? "" : ", ").append("page ").append(page).append(" by pid ")
                        .append(pid).append(holder == slot ? " (this process)" : "");
            }
        }
        return text.length() == 0 ? "no page lock is held now" : "locks now: " + text;
    }
}
