package io.fastmmap.perl;

import io.fastmmap.CacheFileException;
import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.LockTimeoutException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open Cache::FastMmap file (one inode) in this JVM: its channel, its mapping, and the page locks.
 *
 * <p>A page lock is the very lock Perl takes: an exclusive fcntl lock on the page's bytes
 * ({@code F_WRLCK, start = page × page_size, len = page_size}), which {@link PageLockCalls} issues. fcntl locks
 * belong to the process, so threads of this JVM also take a per-page {@link ReentrantLock} first; and since closing
 * any descriptor of a file drops every fcntl lock the process holds on it, all {@link PerlCache}s of this JVM on one
 * inode share one {@code PerlFile} (and its one descriptor), counted by {@link #retain}/{@link #release}.
 */
final class PerlFile {

    private static final Map<Object, PerlFile> OPEN = new HashMap<>();
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    /** How long a busy page is retried without sleeping: a few of Perl's operations. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /** About half a microsecond between two fcntl tries, so the spinning does not crowd the holder's calls. */
    private static final int SPINS_BETWEEN_TRIES = 50;

    final Path path;
    final Object fileKey;
    final PerlGeometry geometry;
    private final PageLockCalls locks;
    private final PageMemory[] pages;
    private final ReentrantLock[] pageLocks;
    /** Users of this open file; 0 once closed (never counted up again). */
    private final AtomicInteger references = new AtomicInteger(1);

    private PerlFile(Path path, Object fileKey, PerlGeometry geometry, PageLockCalls locks, PageMemory[] pages) {
        this.path = path;
        this.fileKey = fileKey;
        this.geometry = geometry;
        this.locks = locks;
        this.pages = pages;
        this.pageLocks = new ReentrantLock[pages.length];
        for (int i = 0; i < pageLocks.length; i++) {
            pageLocks[i] = new ReentrantLock();
        }
    }

    /**
     * Opens the file at {@code path} as it is, or creates it fully initialised when absent (built under a temporary
     * name and published with a hard link, which never replaces a file another process created meanwhile).
     *
     * @param waitNanos how long to wait for pages another process is still initialising
     */
    static PerlFile open(Path path, PerlGeometry geometry, long waitNanos) {
        for (int attempt = 0; ; attempt++) {
            Object key;
            try {
                key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException e) {
                create(path, geometry);
                continue;
            } catch (IOException e) {
                throw new CacheFileException(path, "cannot read the file's attributes: " + e, e);
            }
            synchronized (OPEN) {
                PerlFile shared = OPEN.get(key);
                if (shared != null) {
                    if (!shared.geometry.equals(geometry)) {
                        throw mismatch(path, shared.geometry, geometry, "another PerlCache of this JVM opened it as");
                    }
                    if (shared.retain()) {
                        return shared;
                    } // else its last user is closing it right now: open the inode afresh
                }
                PerlFile opened = openInode(path, key, geometry, waitNanos);
                if (opened != null) {
                    OPEN.put(key, opened);
                    return opened;
                }
            }
            if (attempt > 10) {
                throw new CacheFileException(path, "the file keeps being replaced while it is opened");
            }
        }
    }

    /** @return the opened file, or null when the path no longer names the inode {@code key} */
    private static PerlFile openInode(Path path, Object key, PerlGeometry geometry, long waitNanos) {
        PageLockCalls locks = null;
        try {
            locks = PageLockFactory.open(path, geometry.pageSize(), geometry.pageCount());
            FileChannel channel = locks.channel();
            if (!key.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey())) {
                locks.close();
                locks = null;
                return null;
            }
            long size = channel.size();
            if (size != geometry.fileBytes()) {
                throw mismatch(path, guessGeometry(channel, size), geometry, "the file holds");
            }
            PageMemory[] pages = map(path, channel, geometry);
            String other = otherGeometry(channel, size, geometry);
            if (other != null) { // the same size split into other pages; else damage, reported per page
                throw mismatch(path, other, geometry, "the file holds");
            }
            awaitInitialised(path, pages, geometry, waitNanos);
            PerlFile file = new PerlFile(path, key, geometry, locks, pages);
            locks = null;
            return file;
        } catch (IOException e) {
            throw new CacheFileException(path, "cannot open and map the file: " + e, e);
        } finally {
            if (locks != null) {
                try {
                    locks.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private static PageMemory[] map(Path path, FileChannel channel, PerlGeometry geometry) throws IOException {
        int pageSize = geometry.pageSize();
        int pagesPerChunk = Math.max(1, Integer.MAX_VALUE / pageSize);
        PageMemory[] pages = new PageMemory[geometry.pageCount()];
        for (int first = 0; first < pages.length; first += pagesPerChunk) {
            int count = Math.min(pagesPerChunk, pages.length - first);
            MappedByteBuffer chunk = channel.map(FileChannel.MapMode.READ_WRITE, (long) first * pageSize,
                    (long) count * pageSize);
            for (int i = 0; i < count; i++) {
                pages[first + i] = new PageMemory(chunk.slice(i * pageSize, pageSize), path, first + i);
            }
        }
        return pages;
    }

    /**
     * 1.57 initialises a new file's pages without locks after creating it, so zero pages right after creation mean
     * "not yet": wait for them instead of initialising them underneath Perl.
     */
    private static void awaitInitialised(Path path, PageMemory[] pages, PerlGeometry geometry, long waitNanos) {
        long deadline = System.nanoTime() + waitNanos;
        for (int i = 0; i < pages.length; i++) {
            while (pages[i].u32(0) == 0 && pages[i].u32(16) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IncompatibleCacheFileException(path, "page " + i + " of " + geometry.describe()
                            + " is all zeros: the file was created but never initialised (a Cache::FastMmap process "
                            + "that died while creating it, or not a Cache::FastMmap file). Delete it when no "
                            + "process has it open; the next process to open it creates it again.");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    private static void create(Path path, PerlGeometry geometry) {
        Path directory = path.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory); // as Catalyst's store does for its storage file
            temporary = Files.createTempFile(directory, "." + path.getFileName() + ".", ".new",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ByteBuffer empty = ByteBuffer.allocateDirect(geometry.pageSize()).order(ByteOrder.nativeOrder());
                PerlPage.initialise(new PageMemory(empty, temporary, 0));
                for (int page = 0; page < geometry.pageCount(); page++) {
                    empty.clear();
                    long position = (long) page * geometry.pageSize();
                    while (empty.hasRemaining()) {
                        position += channel.write(empty, position);
                    }
                }
                channel.force(true);
            }
            try {
                Files.createLink(path, temporary);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: open theirs.
            }
        } catch (IOException e) {
            throw new CacheFileException(path, "cannot create the file (" + geometry.describe() + "): " + e
                    + ". Check that the directory exists and is writable.", e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a stray temporary name is harmless
                }
            }
        }
    }

    /** @return "N pages × S bytes" read from the page headers, when they tell; else just the size */
    private static String guessGeometry(FileChannel channel, long size) throws IOException {
        long pageSize = headerPageSize(channel, 0, size);
        if (pageSize > 0 && size % pageSize == 0) {
            return (size / pageSize) + " pages × " + pageSize + " bytes (" + size + " bytes)";
        }
        return size + " bytes, not a whole number of pages of any Cache::FastMmap geometry it shows";
    }

    /**
     * @return the geometry of a file of the right size whose first two page headers agree on another page size, or
     *     null (the configured geometry, or headers too damaged to tell: the page checks report those)
     */
    private static String otherGeometry(FileChannel channel, long size, PerlGeometry wanted) throws IOException {
        long pageSize = headerPageSize(channel, 0, size);
        if (pageSize <= 0 || pageSize == wanted.pageSize() || size % pageSize != 0
                || (size > pageSize && headerPageSize(channel, pageSize, size) != pageSize)) {
            return null;
        }
        return guessGeometry(channel, size);
    }

    /** @return FreeData + FreeBytes of the page header at {@code position} (its page size), or -1 without magic */
    static long headerPageSize(FileChannel channel, long position, long size) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(PerlPage.HEADER_BYTES).order(ByteOrder.nativeOrder());
        if (position + PerlPage.HEADER_BYTES > size || channel.read(header, position) != PerlPage.HEADER_BYTES
                || Integer.toUnsignedLong(header.getInt(0)) != PerlPage.MAGIC) {
            return -1;
        }
        return Integer.toUnsignedLong(header.getInt(16)) + Integer.toUnsignedLong(header.getInt(20));
    }

    private static IncompatibleCacheFileException mismatch(Path path, Object found, PerlGeometry wanted,
            String foundIs) {
        return new IncompatibleCacheFileException(path, foundIs + " " + (found instanceof PerlGeometry g
                ? g.describe() : found) + ", but this cache was configured for " + wanted.describe() + ". Every "
                + "process sharing the file must use the same num_pages and page_size (pageCount, pageSize; or "
                + "the same cache_size). The file was left as it is (Perl would delete and re-create it).");
    }

    /**
     * Locks a page for this thread: first the in-JVM lock, then the fcntl lock. An uncontended lock costs the one
     * system call and no clock read. A page another process holds is retried: first spinning for a few
     * microseconds (a Perl process holds a page for one operation, a few microseconds, and a parked thread would
     * sleep at least the kernel's timer slack, about 50 µs), then parking with backoff until {@code timeoutNanos}
     * have passed, since a blocking fcntl lock ({@code F_SETLKW}, Perl's way) cannot be given a timeout.
     */
    void lock(int pageIndex, long timeoutNanos) {
        ReentrantLock local = pageLocks[pageIndex];
        if (local.isHeldByCurrentThread()) {
            throw new IllegalStateException(path + ": page " + pageIndex + " is already locked by this thread: "
                    + "a getAndSet update function must not use the cache (as in Perl's get_and_set)");
        }
        long localWaitStart = 0;
        boolean waitedLocally = !local.tryLock();
        if (waitedLocally) {
            localWaitStart = System.nanoTime();
            try {
                if (!local.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
                    throw timeout(pageIndex, timeoutNanos, "another thread of this JVM");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw timeout(pageIndex, timeoutNanos, "(interrupted while waiting) another thread of this JVM");
            }
        }
        try {
            if (!locks.tryLock(pageIndex)) {
                awaitProcessLock(pageIndex, waitedLocally ? localWaitStart : System.nanoTime(), timeoutNanos);
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CacheFileException(path, "cannot lock page " + pageIndex + ": " + e, e);
        }
    }

    private void awaitProcessLock(int pageIndex, long start, long timeoutNanos) throws IOException {
        long backoff = MIN_BACKOFF_NANOS;
        while (true) {
            long waited = System.nanoTime() - start;
            if (waited > timeoutNanos) {
                throw timeout(pageIndex, timeoutNanos, "another process");
            } else if (waited < SPIN_NANOS) {
                for (int i = 0; i < SPINS_BETWEEN_TRIES; i++) {
                    Thread.onSpinWait();
                }
            } else {
                LockSupport.parkNanos(backoff);
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
            if (locks.tryLock(pageIndex)) {
                return;
            }
        }
    }

    void unlock(int pageIndex) {
        try {
            locks.unlock(pageIndex);
        } catch (IOException e) {
            throw new CacheFileException(path, "cannot unlock page " + pageIndex + ": " + e, e);
        } finally {
            pageLocks[pageIndex].unlock();
        }
    }

    PageMemory page(int pageIndex) {
        return pages[pageIndex];
    }

    private LockTimeoutException timeout(int pageIndex, long timeoutNanos, String holder) {
        long start = (long) pageIndex * geometry.pageSize();
        return new LockTimeoutException(path + ": page " + pageIndex + " (bytes " + start + ".."
                + (start + geometry.pageSize() - 1) + ") stayed locked by " + holder + " for "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms. Nothing was changed; retry, or find the "
                + "holder (e.g. `fuser` or /proc/locks). A Cache::FastMmap 1.57 process that croaked on a damaged "
                + "page header keeps that page locked until it exits: restart it.");
    }

    /**
     * One more user of this open file (a PerlCache, or an operation in flight). Lock-free, since every operation
     * calls it: a monitor here was one of the costs of an operation that is not the fcntl calls.
     *
     * @return false when the file was closed meanwhile (its last user released it)
     */
    boolean retain() {
        for (int count = references.get(); count > 0; count = references.get()) {
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a user; the last one closes the channel (which also drops this process's fcntl locks on it). */
    void release() {
        if (references.decrementAndGet() > 0) {
            return;
        }
        synchronized (OPEN) {
            if (OPEN.get(fileKey) == this) {
                OPEN.remove(fileKey);
            }
        }
        try {
            locks.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** Stops new opens from sharing this one (the path now names another inode). */
    void retire() {
        synchronized (OPEN) {
            if (OPEN.get(fileKey) == this) {
                OPEN.remove(fileKey);
            }
        }
    }
}
