package io.fastmmap.perl;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheCorruptedException;
import io.fastmmap.CacheFileException;
import io.fastmmap.LockTimeoutException;
import io.fastmmap.VerifyReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A Cache::FastMmap 1.57 file, shared live with Perl: the same pages, hash, slots, records, expiry, eviction and
 * page locks, so Perl and Java processes read and change one file at the same time. Values are the bytes Perl
 * stores with {@code raw_values => 1} ({@code serializer => ''}); keys are Perl's key bytes.
 *
 * <pre>{@code
 * try (PerlCache cache = PerlCache.builder(Path.of("/var/cache/app/sharefile"))  // Perl's share_file
 *         .pageCount(89).pageSize(65536)                                          // num_pages, page_size
 *         .expireAfterWrite(Duration.ofHours(1))                                  // expire_time
 *         .build()) {
 *     cache.set(key, value);
 *     byte[] counter = cache.getAndSet(key, old -> increment(old)); // atomic against Perl's get_and_set
 * }
 * }</pre>
 *
 * <p>Every process must use the same geometry ({@code num_pages} and {@code page_size}, or the same
 * {@code cache_size}): the file has no header to record it. A file of another geometry is refused with an error
 * naming both, and left as it is. An existing file is opened as it is (never truncated or re-initialised); a missing
 * one is created fully initialised. When a Perl process replaces the file ({@code init_file => 1}, or a re-create
 * after {@code unlink_on_exit}), an operation notices the new inode within {@link Builder#fileCheckInterval} (1 s)
 * and moves to it.
 *
 * <p>Each operation locks one page with the fcntl lock Perl takes, and threads of this JVM exclude each other per
 * page too. Locks are taken with a timeout ({@link Builder#lockTimeout}); a lock of a process that died is released
 * by the kernel at once. Thread-safe.
 */
public final class PerlCache implements AutoCloseable {

    private final Path path;
    private final PerlGeometry geometry;
    private final long defaultTtlSeconds;
    private final long lockTimeoutNanos;
    private final Clock clock;
    private final long fileCheckNanos;
    private volatile long nextFileCheck;
    private volatile PerlFile file; // replaced under this
    private volatile boolean closed; // set under this

    private PerlCache(Builder builder) {
        this.path = builder.shareFile;
        this.geometry = builder.fileGeometry != null ? builder.fileGeometry
                : PerlGeometry.fromPerlOptions(builder.cacheBytes, builder.pageCount, builder.pageSize);
        this.defaultTtlSeconds = builder.ttl == null ? 0 : seconds(builder.ttl);
        this.lockTimeoutNanos = builder.lockTimeout.toNanos();
        this.clock = builder.clock;
        this.fileCheckNanos = builder.fileCheckInterval.toNanos();
        this.file = PerlFile.open(path, geometry, lockTimeoutNanos);
        this.nextFileCheck = System.nanoTime() + fileCheckNanos;
    }

    /**
     * @param shareFile Perl's {@code share_file}: opened as it is when it exists, created when it does not
     * @return a builder with Cache::FastMmap's defaults (89 pages of 64 KiB, no expiry)
     */
    public static Builder builder(Path shareFile) {
        return new Builder(Objects.requireNonNull(shareFile, "shareFile"));
    }

    /**
     * @param key Perl's key bytes (UTF-8 for a UTF-8-flagged Perl key, Latin-1 otherwise)
     * @return the value's bytes, or null when the key is absent, expired, or holds Perl's {@code undef}
     */
    public byte[] get(byte[] key) {
        PerlPage.Value value = read(key);
        return value == null || value.isUndef() ? null : value.bytes();
    }

    /** Stores the value with the cache's default expiry ({@link Builder#expireAfterWrite}, none by default). */
    public void set(byte[] key, byte[] value) {
        write(key, Objects.requireNonNull(value, "value"), 0, null);
    }

    /**
     * @param ttl time to live, whole seconds rounded up as the file stores them; {@link Duration#ZERO} expires at
     *     once, as Perl's {@code set($k, $v, 0)}
     */
    public void set(byte[] key, byte[] value, Duration ttl) {
        write(key, Objects.requireNonNull(value, "value"), 0, Objects.requireNonNull(ttl, "ttl"));
    }

    /** @return true when a live entry was removed */
    public boolean remove(byte[] key) {
        return onPage(key, (page, slotHash) -> page.delete(key, slotHash));
    }

    /**
     * Atomic read-modify-write under the page lock, excluding Perl's {@code get_and_set} and every other access to
     * the key. The function must not use this cache.
     *
     * @param update gets the current value (null when absent) and returns the new one, or null to store nothing
     *     (Perl's empty list): the entry then keeps its value and expiry
     * @return the value now stored: the function's result, or the current value when it returned null
     */
    public byte[] getAndSet(byte[] key, UnaryOperator<byte[]> update) {
        Objects.requireNonNull(update, "update");
        byte[][] result = new byte[1][];
        update(key, stored -> {
            byte[] old = stored == null || stored.isUndef() ? null : stored.bytes();
            byte[] next = update.apply(old == null ? null : PerlPage.copy(old));
            result[0] = next == null ? old : PerlPage.copy(next);
            return next == null ? null : new PerlValues.Encoded(next, 0);
        });
        return result[0];
    }

    /**
     * Typed values, as a Perl process with these {@code serializer} and {@code compressor} options stores them.
     *
     * @param serializer Perl's {@code serializer} ({@link PerlSerializer#named} takes Perl's option value)
     * @param compressor Perl's {@code compressor} ({@link PerlCompressor#named})
     * @return a view of this cache; it shares its file, locks and lifetime
     */
    public PerlValues values(PerlSerializer serializer, PerlCompressor compressor) {
        return new PerlValues(this, serializer, compressor);
    }

    PerlPage.Value read(byte[] key) {
        return onPage(key, (page, slotHash) -> page.read(key, slotHash));
    }

    /** @param ttl null for the cache's default expiry */
    void write(byte[] key, byte[] value, long flags, Duration ttl) {
        long expireOn = ttl == null ? defaultExpireOn() : (nowSeconds() + seconds(ttl)) & 0xFFFFFFFFL;
        onPage(key, (page, slotHash) -> {
            page.write(key, slotHash, value, expireOn, flags);
            return null;
        });
    }

    /** Reads, then writes what {@code update} returns (nothing for null), under one page lock. */
    void update(byte[] key, Function<PerlPage.Value, PerlValues.Encoded> update) {
        onPage(key, (page, slotHash) -> {
            PerlValues.Encoded next = update.apply(page.read(key, slotHash));
            if (next != null) {
                page.write(key, slotHash, next.bytes(), defaultExpireOn(), next.flags());
            }
            return null;
        });
    }

    /** @return the keys of the live entries, one page locked at a time (not a snapshot of the whole file) */
    public Iterable<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        for (int page = 0; page < geometry.pageCount(); page++) {
            keys.addAll(onPageIndex(page, PerlPage::keys));
        }
        return keys;
    }

    /**
     * @return the live entries with their values, expiry and flags (Perl's {@code get_keys(2)}), one page locked at
     *     a time; unlike {@link #get}, reading them leaves last-access times alone
     */
    public List<PerlCacheEntry> entries() {
        List<PerlCacheEntry> entries = new ArrayList<>();
        for (int page = 0; page < geometry.pageCount(); page++) {
            entries.addAll(onPageIndex(page, PerlPage::entries));
        }
        return entries;
    }

    /** @return the file's fill and Perl's read statistics, summed over the pages, one page locked at a time */
    public PerlCacheStats stats() {
        PerlCacheStats.Sum sum = new PerlCacheStats.Sum();
        for (int page = 0; page < geometry.pageCount(); page++) {
            onPageIndex(page, locked -> {
                locked.addTo(sum);
                return null;
            });
        }
        return sum.total(geometry);
    }

    /**
     * Checks every page's header and records, one page locked at a time, changing nothing. Cache::FastMmap has no
     * repair of its own but re-initialising damaged pages ({@code test_file => 1}), so neither has this class.
     *
     * @return what was found; a page whose lock timed out is reported as a finding, not checked
     */
    public VerifyReport verify() {
        List<VerifyReport.Finding> findings = new ArrayList<>();
        int checked = 0;
        for (int page = 0; page < geometry.pageCount(); page++) {
            try {
                onPageIndex(page, locked -> {
                    locked.check(geometry.pageCount());
                    return null;
                });
                checked++;
            } catch (CacheCorruptedException damage) {
                checked++;
                findings.add(new VerifyReport.Finding(page, damage.getMessage(), false));
            } catch (LockTimeoutException busy) {
                findings.add(new VerifyReport.Finding(page, "not checked: " + busy.getMessage(), false));
            }
        }
        return new VerifyReport(path, checked, findings);
    }

    /** Removes every entry, page by page (Perl's {@code clear}). */
    public void clear() {
        expungeAll(PerlPage.ExpungeMode.ALL);
    }

    /** Drops expired entries and compacts every page (Perl's {@code purge}). */
    public void purge() {
        expungeAll(PerlPage.ExpungeMode.EXPIRED);
    }

    /** @return Perl's {@code num_pages} of this cache */
    public int pageCount() {
        return geometry.pageCount();
    }

    /** @return Perl's {@code page_size} of this cache, in bytes */
    public int pageSize() {
        return geometry.pageSize();
    }

    /** Closes this cache; the file stays as it is for the other processes. */
    @Override
    public void close() {
        PerlFile last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            last = file;
        }
        last.release();
    }

    private void expungeAll(PerlPage.ExpungeMode mode) {
        for (int page = 0; page < geometry.pageCount(); page++) {
            onPageIndex(page, locked -> {
                locked.expunge(mode, -1, 0);
                return null;
            });
        }
    }

    private interface KeyWork<T> {
        T apply(PerlPage page, long slotHash);
    }

    private <T> T onPage(byte[] key, KeyWork<T> work) {
        Objects.requireNonNull(key, "key");
        long hash = PerlPage.hash(key);
        long slotHash = hash / geometry.pageCount();
        return onPageIndex((int) (hash % geometry.pageCount()), page -> work.apply(page, slotHash));
    }

    private <T> T onPageIndex(int pageIndex, Function<PerlPage, T> work) {
        while (true) {
            PerlFile current = current();
            try {
                current.lock(pageIndex, lockTimeoutNanos);
                try {
                    // Checked under the lock: Perl's init_file or unlink_on_exit may have put another file there.
                    if (!isFileCheckDue() || isCurrentInode(current)) {
                        return work.apply(new PerlPage(current.page(pageIndex), path, pageIndex, nowSeconds()));
                    }
                } finally {
                    current.unlock(pageIndex);
                }
                moveToNewInode(current);
            } finally {
                current.release();
            }
        }
    }

    /**
     * @return the open file, retained for one operation; without a monitor, since every operation calls it (a file
     *     released meanwhile was replaced: the next read of {@link #file} names its successor)
     */
    private PerlFile current() {
        while (true) {
            PerlFile current = file;
            if (closed) {
                throw new CacheClosedException(path + ": this PerlCache was closed");
            }
            if (current.retain()) {
                return current;
            }
        }
    }

    /** @return true at most once per {@link Builder#fileCheckInterval} (always when it is zero) */
    private boolean isFileCheckDue() {
        long now = System.nanoTime();
        if (fileCheckNanos > 0 && now - nextFileCheck < 0) {
            return false;
        }
        nextFileCheck = now + fileCheckNanos;
        return true;
    }

    private boolean isCurrentInode(PerlFile current) {
        try {
            return current.fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new CacheFileException(path, "cannot read the file's attributes: " + e, e);
        }
    }

    private synchronized void moveToNewInode(PerlFile stale) {
        if (closed || file != stale) {
            return;
        }
        PerlFile next = PerlFile.open(path, geometry, lockTimeoutNanos);
        stale.retire();
        file = next;
        stale.release();
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.millis(), 1000L) & 0xFFFFFFFFL;
    }

    /** @return ExpireOn of a write without a ttl: Perl's {@code expire_time ? now + expire_time : 0} */
    private long defaultExpireOn() {
        return defaultTtlSeconds == 0 ? 0 : (nowSeconds() + defaultTtlSeconds) & 0xFFFFFFFFL;
    }

    /** @return whole seconds, rounded up: the file stores unix seconds */
    private static long seconds(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl " + ttl + " is negative");
        }
        return ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
    }

    /** Options with Cache::FastMmap's names and defaults. */
    public static final class Builder {
        private final Path shareFile;
        private int pageCount;
        private int pageSize;
        private long cacheBytes;
        private Duration ttl;
        private Duration lockTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private Duration fileCheckInterval = Duration.ofSeconds(1);
        /** The geometry read from an existing file ({@link PerlCacheFileInfo#builder}), used as it is. */
        private PerlGeometry fileGeometry;

        private Builder(Path shareFile) {
            this.shareFile = shareFile;
        }

        /** @param pageCount Perl's {@code num_pages} (default 89) */
        public Builder pageCount(int pageCount) {
            this.pageCount = positive(pageCount, "pageCount");
            return this;
        }

        /** @param pageSize Perl's {@code page_size} in bytes (default 65536), rounded down to a power of 2 as Perl does */
        public Builder pageSize(int pageSize) {
            this.pageSize = positive(pageSize, "pageSize");
            return this;
        }

        /** @param bytes Perl's {@code cache_size}: pages and page size follow from it with Perl's rules */
        public Builder cacheSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("cacheSize " + bytes + " must be positive");
            }
            this.cacheBytes = bytes;
            return this;
        }

        /** @param ttl Perl's {@code expire_time}: the expiry of {@code set} without a ttl (default: never) */
        public Builder expireAfterWrite(Duration ttl) {
            if (Objects.requireNonNull(ttl, "ttl").isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("expireAfterWrite " + ttl + " must be positive");
            }
            this.ttl = ttl;
            return this;
        }

        /** @param timeout how long an operation waits for a page lock before {@code LockTimeoutException} (10 s) */
        public Builder lockTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
                throw new IllegalArgumentException("lockTimeout " + timeout + " is negative");
            }
            this.lockTimeout = timeout;
            return this;
        }

        /** @param clock the wall clock of LastAccess and ExpireOn (unix seconds in the file); for tests */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param interval how often an operation checks that the path still names the open file (1 s): a Perl process
         *     with {@code init_file => 1}, or one deleting the file it created ({@code unlink_on_exit}), puts another
         *     file there, and this cache moves to it at the next check. {@link Duration#ZERO} checks on every
         *     operation, at the cost of one stat system call each (Perl's own processes never notice).
         */
        public Builder fileCheckInterval(Duration interval) {
            if (Objects.requireNonNull(interval, "interval").isNegative()) {
                throw new IllegalArgumentException("fileCheckInterval " + interval + " is negative");
            }
            this.fileCheckInterval = interval;
            return this;
        }

        Builder fileGeometry(PerlGeometry geometry) {
            this.fileGeometry = geometry;
            return this;
        }

        /** @return the open cache */
        public PerlCache build() {
            return new PerlCache(this);
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " " + value + " must be positive");
            }
            return value;
        }
    }
}
