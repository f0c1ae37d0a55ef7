package io.fastmmap.internal;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheCorruptedException;
import io.fastmmap.CacheFileException;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A cache file mapped read-only and read without locks, for tools and for users with read permission only. It
 * takes no process slot, writes nothing (not even least-recently-used stamps), and cannot repair anything.
 *
 * <p>Each page is read optimistically, as {@link java.util.concurrent.locks.StampedLock} readers do: note the
 * page's lock word (free, generation g), read, then check that the word is still exactly g. Every change to a
 * page happens under its lock, and every lock acquisition changes the word, so an unchanged word proves the reads
 * saw no change in progress; otherwise the read is retried. What was read before that check may be torn, so every
 * length and offset is bounds-checked and a failure there only means "retry".
 */
public final class ReadOnlyCache implements PagedCache, AutoCloseable {
    /** How long a read waits for a page that stays locked or keeps changing: the 10 seconds CacheReader documents. */
    private static final long WAIT_NANOS = 10_000_000_000L;

    private final Path file;
    private final SharedMemory memory;
    private final PageStore store;
    private final Placement placement;
    private final FileLayout layout;
    private final Clock clock;
    /** {@code clock::millis} made once: the expiry check asks it only for entries that can expire. */
    private final LongSupplier wallMillis;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReadOnlyCache(Path file, SharedMemory memory, FileLayout layout, long hashSeed, Clock clock) {
        this.file = file;
        this.memory = memory;
        this.store = new PageStore(memory, layout, file, hashSeed, null);
        this.placement = store.placement();
        this.layout = layout;
        this.clock = clock;
        this.wallMillis = clock::millis;
    }

    /** A reader of a mapping the caller made, of a file whose header the caller checked. */
    static ReadOnlyCache over(Path file, SharedMemory memory, FileLayout layout, long hashSeed, Clock clock) {
        return new ReadOnlyCache(file, memory, layout, hashSeed, clock);
    }

    /**
     * Maps {@code file} read-only. When this JVM has the file open read-write, the mapping is made through that
     * connection's descriptor: a descriptor of our own, once closed, would drop this process's fcntl locks.
     */
    public static ReadOnlyCache open(Path file, Clock clock) {
        Path absolute = file.toAbsolutePath();
        return Attachment.withAttachedOrNot(absolute, attached -> {
            try {
                if (attached != null) {
                    ByteBuffer header = attached.headerBytes().order(ByteOrder.LITTLE_ENDIAN);
                    return new ReadOnlyCache(absolute, attached.mapReadOnly(), attached.layout,
                            header.getLong(FileHeader.HASH_SEED_OFFSET), clock);
                }
                try (FileChannel channel = FileDescription.openForReading(absolute)) {
                    ByteBuffer header = CacheFile.readHeader(absolute, channel);
                    Geometry geometry = new Geometry(header.getInt(FileHeader.PAGE_SIZE_OFFSET),
                            header.getInt(FileHeader.PAGE_COUNT_OFFSET));
                    FileLayout layout = new FileLayout(geometry);
                    long hashSeed = CacheFile.checkHeader(absolute, channel, layout); // sizes and offsets too
                    // The mapping outlives the descriptor, which is closed at once (see above).
                    SharedMemory memory = SharedMemory.mapReadOnly(channel, layout.fileSize(),
                            geometry.pageSizeBytes());
                    return new ReadOnlyCache(absolute, memory, layout, hashSeed, clock);
                }
            } catch (IOException e) {
                throw new CacheFileException(absolute, "cannot map the file read-only: " + e, e);
            }
        });
    }

    public Path file() {
        return file;
    }

    public int pageCount() {
        return store.pageCount();
    }

    /** @return the live value of {@code key}, or null */
    public byte[] get(byte[] key) {
        long hash = placement.hash(key);
        int page = placement.pageOf(hash);
        return optimistic(page, () -> {
            long base = store.pageBase(page);
            int slot = store.find(page, base, key, (int) hash);
            if (slot < 0) {
                return null;
            }
            int offset = store.recordOffset(base, slot);
            return store.isExpired(base, offset, wallMillis) ? null : store.peekValue(page, base, offset, key);
        });
    }

    /** @return the live entries of one page */
    public List<PageScan.Entry> scanPage(int page, boolean withValues) {
        return optimistic(page, () -> PageScan.collect(store, file, page, clock.millis(), withValues));
    }

    /**
     * @return true when {@code page} is locked, or was left in the middle of a change: for a caller that knows no
     *     other process is attached (a migration holds the gate exclusively), the work of a process that died
     */
    boolean leftByDeadProcess(int page) {
        long word = memory.getLongVolatile(store.directoryEntry(page) + PageDirectory.LOCK_WORD_OFFSET);
        return PageDirectory.holder(word) != 0 || store.interrupted(page);
    }

    /**
     * @return the live entries a repair of {@code page} would keep, read without its lock (see
     *     {@link PageScan#salvage}); null when no image of the page can be found
     */
    List<PageScan.Entry> salvagePage(int page) {
        if (closed.get()) {
            throw new CacheClosedException(file + ": this reader was closed");
        }
        return PageScan.salvage(store, layout, page, clock.millis());
    }

    /** @return evictions, expirations, page repairs, lock recoveries: counters only writers change, under locks */
    public long[] sharedCounters() {
        if (closed.get()) {
            throw new CacheClosedException(file + ": this reader was closed");
        }
        return store.sharedCounters();
    }

    @Override
    public long tooLargeRefusalCount() {
        return 0;
    }

    public PageUsage usage() {
        return PageUsage.sum(store.pageCount(), page -> optimistic(page, () -> PageUsage.of(store, page)));
    }

    @FunctionalInterface
    private interface PageRead<T> {
        T run();
    }

    private <T> T optimistic(int page, PageRead<T> read) {
        if (closed.get()) {
            throw new CacheClosedException(file + ": this reader was closed");
        }
        long lockWord = store.directoryEntry(page) + PageDirectory.LOCK_WORD_OFFSET;
        Backoff backoff = new Backoff(WAIT_NANOS, () -> file + ": page " + page + " stayed locked or changing; a "
                + "process may have died holding it: open the file read-write (any fastmmap user, or `fastmmap "
                + "repair`) to recover it");
        while (true) {
            long before = memory.getLongVolatile(lockWord);
            if (PageDirectory.holder(before) == 0) {
                if (store.interrupted(page)) {
                    // Left mid-update by a dead holder, unless a writer has taken the lock since `before`.
                    if (memory.getLongVolatile(lockWord) == before) {
                        backoff.finish();
                        throw new CacheCorruptedException(file + ": page " + page + " was left mid-update by a "
                                + "process that died; a read-only reader cannot repair it: open the file read-write "
                                + "(any fastmmap user, or `fastmmap repair`)");
                    }
                    backoff.pause();
                    continue;
                }
                try {
                    T result = read.run();
                    VarHandle.acquireFence(); // the reads above happen before the check below
                    if (memory.getLongVolatile(lockWord) == before) {
                        backoff.finish();
                        return result;
                    }
                } catch (RuntimeException torn) {
                    VarHandle.acquireFence();
                    if (memory.getLongVolatile(lockWord) == before) {
                        backoff.finish();
                        throw new CacheCorruptedException(file + ": page " + page + " is damaged (" + torn.getMessage()
                                + "); open the file read-write (`fastmmap repair`) to rebuild it", torn);
                    }
                }
            }
            backoff.pause();
        }
    }

    /** Unmaps the file on Java 22+; on 17 the mapping goes when it is garbage. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            memory.close();
        }
    }
}
