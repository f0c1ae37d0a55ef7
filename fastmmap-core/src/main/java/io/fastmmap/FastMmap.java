package io.fastmmap;

import io.fastmmap.internal.CacheConfig;
import io.fastmmap.internal.Engine;
import io.fastmmap.internal.Geometry;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * A cache in one memory-mapped file, shared by every thread and every process that opens the same file.
 *
 * <p>The file is split into pages; a key's hash picks its page, and each page is a small hash table with its own
 * lock, its own least-recently-used order and its own expiry. Entries are byte arrays; keys are compared byte for
 * byte.
 *
 * <p><b>Threads and processes.</b> Every method is atomic with respect to every other thread and process using the
 * file: a reader sees a value completely written or not at all. {@link #getAndSet} is an atomic read-modify-write
 * across processes. Page locks are words in the file taken with a compare-and-set, with no system call unless a
 * lock is contended for milliseconds; a lock held by a process that died is taken over and its page repaired.
 *
 * <p><b>Crashes.</b> A process killed at any instant leaves every page readable: the next process to lock a page
 * that was being changed repairs it, and the key being changed reads as its old or its new value.
 *
 * <p><b>Expiry</b> uses wall-clock time (shared by all processes) from the configured {@link Clock}. <b>Eviction</b>
 * drops expired entries first, then the least recently used entries of the page that needs room.
 *
 * <p><b>Lifecycle.</b> {@link Builder#build()} opens the file, creating it when absent; {@link #close()} unmaps it.
 * The file is created with mode 0600 in a directory created with mode 0700.
 *
 * {@snippet :
 * try (FastMmap cache = FastMmap.builder(Path.of("/var/cache/myapp/cache.fmm"))
 *         .cacheSize(64L << 20)
 *         .expireAfterWrite(Duration.ofMinutes(30))
 *         .build()) {
 *     cache.set(key, value);
 *     byte[] again = cache.get(key);
 * }
 * }
 */
public final class FastMmap implements AutoCloseable {
    private final Engine engine;
    private final OperationCounters counters; // null unless stats are enabled: get then only tests one field

    private volatile FastMmapJmx jmx; // null unless built with jmx(true)

    private FastMmap(Engine engine, boolean enableStats) {
        this.engine = engine;
        this.counters = enableStats ? new OperationCounters() : null;
    }

    /**
     * Starts configuring a cache in {@code file}.
     *
     * @param file the cache file; created with its parent directories when absent
     * @return a builder with Cache::FastMmap's defaults: 89 pages of 64 KiB, no expiry
     */
    public static Builder builder(Path file) {
        return new Builder(Objects.requireNonNull(file, "file"));
    }

    /**
     * @param key the key
     * @return a copy of the value, or null when the key is absent or expired
     */
    public byte[] get(byte[] key) {
        byte[] value = engine.get(key);
        if (counters != null) {
            counters.read(value);
        }
        return value;
    }

    /**
     * Reads many keys at once. Keys are grouped by the page they hash to, and each page is locked once for all of
     * its keys (in page order), so a batch costs one lock per page touched instead of one per key. The reads of one
     * page are atomic together; the batch as a whole is not.
     *
     * <p>Perl's {@code multi_get($pageKey, [@keys])} instead forces every key into the page of {@code $pageKey}
     * and stores them under {@code "$pageKey-$key"}, which makes them invisible to {@code get} and crowds one
     * page. Here every entry stays where {@link #get} finds it.
     *
     * @param keys the keys; duplicates are allowed
     * @return the values in the order of {@code keys}, null for each miss
     */
    public List<byte[]> multiGet(List<byte[]> keys) {
        byte[][] values = engine.multiGet(List.copyOf(keys));
        if (counters != null) {
            for (byte[] value : values) {
                counters.read(value);
            }
        }
        return Arrays.asList(values);
    }

    /**
     * Stores many entries with the default time to live, locking each page once for all of its entries (see
     * {@link #multiGet} for the grouping and how it differs from Perl's {@code multi_set}). Every entry is checked
     * before anything is written, so a value too large fails the whole call with nothing stored.
     *
     * @param keys the keys
     * @param values one value per key, in the same order
     * @throws ValueTooLargeException when some entry can never fit in one page
     */
    public void multiSet(List<byte[]> keys, List<byte[]> values) {
        multiSet(keys, values, engine.defaultTtlMillis());
    }

    /**
     * Like {@link #multiSet(List, List)} with an explicit time to live for every entry.
     *
     * @param keys the keys
     * @param values one value per key, in the same order
     * @param ttl time to live, positive
     */
    public void multiSet(List<byte[]> keys, List<byte[]> values, Duration ttl) {
        multiSet(keys, values, Engine.ttlMillis(ttl));
    }

    private void multiSet(List<byte[]> keys, List<byte[]> values, long ttlMillis) {
        engine.multiSet(List.copyOf(keys), List.copyOf(values), ttlMillis);
        if (counters != null) {
            counters.sets.add(keys.size());
        }
    }

    /**
     * Stores a value with the default time to live ({@link Builder#expireAfterWrite}, none unless set).
     *
     * @param key the key
     * @param value the value
     * @throws ValueTooLargeException when the entry can never fit in one page; the old value stays
     */
    public void set(byte[] key, byte[] value) {
        engine.set(key, value, engine.defaultTtlMillis());
        countSet();
    }

    private void countSet() {
        if (counters != null) {
            counters.sets.increment();
        }
    }

    /**
     * Stores a value that expires {@code ttl} from now.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, positive
     * @throws ValueTooLargeException when the entry can never fit in one page; the old value stays
     */
    public void set(byte[] key, byte[] value, Duration ttl) {
        engine.set(key, value, Engine.ttlMillis(ttl));
        countSet();
    }

    /**
     * Stores a value in an eviction class: {@link EvictionClass#PROTECTED} entries are evicted only after every
     * ordinary entry of their page.
     *
     * @param key the key
     * @param value the value
     * @param ttl time to live, positive; null for the default ({@link Builder#expireAfterWrite}, none unless set)
     * @param evictionClass which entries a full page gives up first
     * @throws ValueTooLargeException when the entry can never fit in one page; the old value stays
     */
    public void set(byte[] key, byte[] value, Duration ttl, EvictionClass evictionClass) {
        Objects.requireNonNull(evictionClass, "evictionClass");
        engine.set(key, value, ttl == null ? engine.defaultTtlMillis() : Engine.ttlMillis(ttl), evictionClass.flags());
        countSet();
    }

    /**
     * @param key the key
     * @return true when a live entry was removed
     */
    public boolean remove(byte[] key) {
        boolean removed = engine.remove(key);
        if (counters != null) {
            counters.removed(removed);
        }
        return removed;
    }

    /**
     * Atomically replaces the value of {@code key}, with respect to all threads and processes. The page stays locked
     * while {@code update} runs, so keep it short and never call this cache from inside it (that throws
     * {@link IllegalStateException}).
     *
     * @param key the key
     * @param update sees the current value, or null when absent or expired; returns the value to store (with the
     *     default time to live), null to remove the key (an expired entry too), or the very array it was given to
     *     store nothing
     * @return what is stored after the call (null when the key is now absent)
     * @throws ValueTooLargeException when the new entry can never fit in one page; the old value stays
     */
    public byte[] getAndSet(byte[] key, UnaryOperator<byte[]> update) {
        return getAndSet(key, update, null);
    }

    /**
     * {@link #getAndSet(byte[], UnaryOperator)} that stores the new value in the eviction class its value calls for
     * (a web session with a logged-in user as {@link EvictionClass#PROTECTED}, say).
     *
     * @param key the key
     * @param update as for {@link #getAndSet(byte[], UnaryOperator)}
     * @param evictionClassOf given the value the update returned, its class; runs under the page lock like the
     *     update, and only when a new value is stored (a kept entry keeps its class); null for ordinary
     * @return what is stored after the call (null when the key is now absent)
     * @throws ValueTooLargeException when the new entry can never fit in one page; the old value stays
     */
    public byte[] getAndSet(byte[] key, UnaryOperator<byte[]> update,
            Function<byte[], EvictionClass> evictionClassOf) {
        ToIntFunction<byte[]> flagsOf = evictionClassOf == null ? null
                : next -> Objects.requireNonNull(evictionClassOf.apply(next), "evictionClassOf returned null").flags();
        if (counters == null) {
            return engine.getAndSet(key, update, flagsOf);
        }
        byte[][] before = new byte[1][];
        byte[] after = engine.getAndSet(key, current -> {
            before[0] = current;
            return update.apply(current);
        }, flagsOf);
        if (after == null) {
            counters.removed(before[0] != null);
        } else if (after != before[0]) {
            counters.sets.increment();
        }
        return after;
    }

    /**
     * @param key the key
     * @return the value the key had, or null; the key is absent afterwards
     */
    public byte[] getAndRemove(byte[] key) {
        byte[] value = engine.getAndRemove(key);
        if (counters != null) {
            counters.removed(value != null);
        }
        return value;
    }

    /**
     * @param key the key
     * @return true when the key has a live (unexpired) value; counts as a use for least-recently-used order
     */
    public boolean exists(byte[] key) {
        return engine.exists(key);
    }

    /**
     * The keys of all live entries (Perl {@code get_keys(0)}). Expired entries are skipped.
     *
     * <p><b>Not a snapshot.</b> Each iterator locks one page at a time, copies that page's live entries and
     * unlocks it before handing them out, so other threads and processes keep working, and the loop body may call
     * this cache (even remove the key it was given). In exchange, a key added or removed while the iteration runs
     * may or may not be seen; a key that stays present throughout is seen exactly once. Iterating does not count
     * as a use for least-recently-used order.
     *
     * @return an iterable whose every iterator walks the whole file again
     * @throws CacheClosedException from the iterator when the cache has been closed
     */
    public Iterable<byte[]> keys() {
        return CacheViews.keys(engine);
    }

    /**
     * Key and metadata of all live entries (Perl {@code get_keys(1)}); {@link CacheEntry#value()} is null. Same
     * guarantees as {@link #keys()}: one page locked at a time, not a snapshot, expired entries skipped.
     *
     * @return an iterable whose every iterator walks the whole file again
     */
    public Iterable<CacheEntry> entries() {
        return CacheViews.entries(engine, false);
    }

    /**
     * Key, value and metadata of all live entries (Perl {@code get_keys(2)}). Same guarantees as {@link #keys()}:
     * one page locked at a time, not a snapshot, expired entries skipped.
     *
     * @return an iterable whose every iterator walks the whole file again
     */
    public Iterable<CacheEntry> entriesWithValues() {
        return CacheViews.entries(engine, true);
    }

    /** For {@link TypedCache}, which needs the flags and write-back hooks the public byte API leaves out. */
    Engine engine() {
        return engine;
    }

    /** @return this instance's operation counters, or null when stats are off */
    OperationCounters counters() {
        return counters;
    }

    /** Removes every entry of every page. Pages are cleared one at a time, so this is not one atomic step. */
    public void clear() {
        engine.clear();
    }

    /** Drops every expired entry, freeing its space now instead of when its page next needs room. */
    public void purge() {
        engine.purge();
    }

    /**
     * Checks the whole file against its format without changing it: the header, the spare pages, and each page in
     * turn under its lock (header fields, slot table, record bounds and checksums, the in-progress marker, the
     * live/tombstone/garbage counters). Other threads and processes may keep using the cache meanwhile; each page
     * is checked between their operations. A page left mid-update by a process that died is reported, not
     * repaired (any operation on it, or {@link #repair()}, repairs it).
     *
     * @return what was found; {@link VerifyReport#isClean()} when the file is sound
     * @throws CacheClosedException when this cache was closed
     */
    public VerifyReport verify() {
        return engine.verify(false);
    }

    /**
     * A check as {@link #verify()} makes, of bounded cost whatever the size of the file, for health checks: the file
     * header, its size and path, the spare table, and {@code maxPageCount} pages, continuing after those the
     * previous call of this instance checked (wrapping around), so repeated calls cover every page in turn. Repairs
     * nothing but what any operation repairs: a page a process left mid-update when it died.
     *
     * @param maxPageCount how many pages to check this time, at least 1 (more than the file has checks each once)
     * @return what was found; {@link VerifyReport#pagesChecked()} says how many pages were checked
     * @throws CacheClosedException when this cache was closed
     */
    public VerifyReport verifyNext(int maxPageCount) {
        return engine.verifyNext(maxPageCount);
    }

    /**
     * Checks the file as {@link #verify()} does and rebuilds every page with a finding, keeping each entry that
     * passes its checks (a damaged entry is dropped, never served). A damaged spare table is rebuilt from the page
     * directory, with every page locked for that instant. Header damage cannot be repaired in place: it stays
     * unrepaired in the report, and {@link Builder#recreate(boolean)} re-initialises the file.
     *
     * @return what was found, each finding marked repaired when its page (or the spare table) passed every check
     *     after the rebuild
     * @throws CacheClosedException when this cache was closed
     */
    public VerifyReport repair() {
        return engine.verify(true);
    }

    /**
     * Reads the statistics without taking any lock, so it never waits for a busy page (Perl's
     * {@code get_statistics} locks every page). Each figure is exact when read; together they are not one snapshot.
     *
     * @return shared counters of the file, and this instance's operation counters when stats are enabled
     */
    public CacheStats stats() {
        return CacheViews.stats(engine, counters);
    }

    /** @return whether this instance counts hits, misses, sets and removes ({@link Builder#enableStats}) */
    public boolean statsEnabled() {
        return counters != null;
    }

    /**
     * @param keyByteCount the length of a key
     * @return the largest value that can be stored under a key of that length
     */
    public int maxValueByteCount(int keyByteCount) {
        return engine.maxValueByteCount(keyByteCount);
    }

    /** @return the cache file */
    public Path file() {
        return engine.file();
    }

    /**
     * Unmaps the file. Idempotent. With {@link Builder#deleteOnClose(boolean)} the file is deleted when no other
     * process still has it open.
     */
    @Override
    public void close() {
        FastMmapJmx bean = jmx;
        if (bean != null) {
            jmx = null;
            bean.unregister();
        }
        engine.close();
    }

    @Override
    public String toString() {
        return "FastMmap[" + engine.describe() + "]";
    }

    /**
     * Configures and opens a {@link FastMmap}. Each setter checks its argument at once. Set at most two of
     * {@link #cacheSize}, {@link #pageCount} and {@link #pageSize}; the third is derived.
     */
    public static final class Builder {
        private final Path file;
        private long cacheSizeBytes;
        private int pageCount;
        private int pageSizeBytes;
        private Duration expireAfterWrite;
        private boolean recreate;
        private boolean deleteOnClose;
        private boolean migrateEntries;
        private boolean allowRemoteFileSystem;
        private Clock clock = Clock.systemUTC();
        private boolean enableStats;
        private boolean jmx;
        private Duration lockTimeout = Duration.ofSeconds(10);
        private Set<PosixFilePermission> filePermissions =
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        /** Option (setter name) to the reason it may no longer be set; see {@link #reserve}. */
        private final Map<String, String> reserved = new TreeMap<>();

        private static final Set<String> OPTIONS = new TreeSet<>(List.of("cacheSize", "pageCount", "pageSize",
                "expireAfterWrite", "recreate", "migrateEntries", "allowRemoteFileSystem", "deleteOnClose",
                "enableStats", "jmx", "clock", "lockTimeout", "filePermissions"));

        private Builder(Path file) {
            this.file = file;
        }

        /**
         * Total bytes of page space (Perl {@code cache_size}). With {@link #pageSize} the page count is derived,
         * with {@link #pageCount} the page size; alone, pages are 64 KiB.
         *
         * @param bytes at least 4096
         * @return this builder
         */
        public Builder cacheSize(long bytes) {
            settable("cacheSize");
            if (bytes < Geometry.MIN_PAGE_SIZE) {
                throw new IllegalArgumentException("cacheSize=" + bytes + " bytes; it must be at least "
                        + Geometry.MIN_PAGE_SIZE);
            }
            this.cacheSizeBytes = bytes;
            return this;
        }

        /**
         * Number of pages (Perl {@code num_pages}); each has its own lock, so more pages mean less contention.
         *
         * @param count 1 to {@value Geometry#MAX_PAGE_COUNT}
         * @return this builder
         */
        public Builder pageCount(int count) {
            settable("pageCount");
            Geometry.checkPageCount(count);
            this.pageCount = count;
            return this;
        }

        /**
         * Bytes per page (Perl {@code page_size}); the largest entry must fit in one page.
         *
         * @param bytes a multiple of 4096, from 4 KiB to 256 MiB
         * @return this builder
         */
        public Builder pageSize(int bytes) {
            settable("pageSize");
            Geometry.checkPageSize(bytes);
            this.pageSizeBytes = bytes;
            return this;
        }

        /**
         * Default time to live of entries written by {@link FastMmap#set(byte[], byte[])} and
         * {@link FastMmap#getAndSet} (Perl {@code expire_time}). None unless set.
         *
         * @param ttl positive
         * @return this builder
         */
        public Builder expireAfterWrite(Duration ttl) {
            settable("expireAfterWrite");
            Engine.ttlMillis(ttl);
            this.expireAfterWrite = ttl;
            return this;
        }

        /**
         * Wipe an existing file and initialise it again (Perl {@code init_file}). A file of another geometry or
         * format is replaced only when no other process has it open.
         *
         * @param recreate true to wipe
         * @return this builder
         */
        public Builder recreate(boolean recreate) {
            settable("recreate");
            this.recreate = recreate;
            return this;
        }

        /**
         * When the file exists with another page size or page count, carry its live entries over to a new file
         * of this builder's geometry instead of refusing it with {@link IncompatibleCacheFileException}: for a
         * restart with a larger (or smaller) cache that keeps what the cache held. Off by default.
         *
         * <p>The new file is filled under a temporary name and renamed over the old one, so a crash at any moment
         * leaves the old file or the new one whole. It happens only when no other process has the file open: while
         * processes of the old geometry still run, {@link #build()} refuses with an
         * {@link IncompatibleCacheFileException} that says to stop them first. Of several processes started at
         * once with the new geometry, one carries the entries over and the others open its file. Entries keep
         * their values, flags and expiry times; a smaller file evicts the least recently used ones, and an entry
         * too large for a smaller page size is dropped; the counts are logged (System.Logger {@code io.fastmmap}).
         * A file that is not a whole cache of this format is still refused (see {@link #recreate}).
         *
         * @param migrateEntries true to carry the entries over
         * @return this builder
         */
        public Builder migrateEntries(boolean migrateEntries) {
            settable("migrateEntries");
            this.migrateEntries = migrateEntries;
            return this;
        }

        /**
         * Accept a file on a file system that hosts share (NFS, SMB/CIFS, 9p, virtiofs, cluster file systems),
         * which is refused by default: a shared mapping is not coherent between hosts there, so the page locks
         * would not exclude processes of different hosts. Allow it only when every process that opens the file
         * runs on one host (for example a container's bind mount that is virtiofs underneath).
         *
         * @param allowRemoteFileSystem true to accept such a file system
         * @return this builder
         */
        public Builder allowRemoteFileSystem(boolean allowRemoteFileSystem) {
            settable("allowRemoteFileSystem");
            this.allowRemoteFileSystem = allowRemoteFileSystem;
            return this;
        }

        /**
         * Delete the file on {@link FastMmap#close()} when no other process has it open (Perl
         * {@code unlink_on_exit}).
         *
         * @param deleteOnClose true to delete
         * @return this builder
         */
        public Builder deleteOnClose(boolean deleteOnClose) {
            settable("deleteOnClose");
            this.deleteOnClose = deleteOnClose;
            return this;
        }

        /**
         * Count hits, misses, sets and removes of this instance (Perl {@code enable_stats}); off by default. The
         * counters live in this JVM, so even with stats on a read writes nothing more to the shared file; off,
         * the read path only tests one field. Evictions, expirations and space are counted regardless.
         *
         * @param enableStats true to count
         * @return this builder
         */
        public Builder enableStats(boolean enableStats) {
            settable("enableStats");
            this.enableStats = enableStats;
            return this;
        }

        /**
         * Register a {@link FastMmapMXBean} for this cache with the platform MBean server (JConsole, VisualVM, a
         * JMX exporter), named {@code io.fastmmap:type=FastMmap,file="<absolute path>"}; it goes away on
         * {@link FastMmap#close()}. Off by default.
         *
         * @param jmx true to register
         * @return this builder
         */
        public Builder jmx(boolean jmx) {
            settable("jmx");
            this.jmx = jmx;
            return this;
        }

        /**
         * The wall clock that expiry is measured with. Every process sharing a file should use the same time
         * source; tests pass a clock they advance by hand.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            settable("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long to wait for a page lock held by another live thread or process before giving up with
         * {@link LockTimeoutException}. Locks of dead processes are recovered regardless. Default 10 seconds.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder lockTimeout(Duration timeout) {
            settable("lockTimeout");
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("lockTimeout=" + timeout + "; it must be positive");
            }
            this.lockTimeout = timeout;
            return this;
        }

        /**
         * Permissions of a newly created file. Default owner read and write (0600); add group read and write
         * (0660) to share the cache with processes of other users in the file's group. A file owned by another
         * user is accepted only when group write is granted here and the file's group is one of this process's
         * groups; a file every user may write is never accepted.
         *
         * @param permissions must include owner read and owner write
         * @return this builder
         */
        public Builder filePermissions(Set<PosixFilePermission> permissions) {
            settable("filePermissions");
            if (!permissions.contains(PosixFilePermission.OWNER_READ)
                    || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
                throw new IllegalArgumentException("filePermissions=" + permissions
                        + "; the owner must be able to read and write the cache file");
            }
            if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IllegalArgumentException("filePermissions=" + permissions + "; a cache file every user "
                        + "can write could be given forged entries, and is refused when opened: share it with a "
                        + "group instead (GROUP_READ and GROUP_WRITE)");
            }
            this.filePermissions = EnumSet.copyOf(permissions);
            return this;
        }


        /**
         * Makes options final: a later call of one of their setters throws {@link IllegalStateException} with
         * {@code reason}. For code that opens a cache for its caller and lets the caller customize this builder
         * while it owns some options itself (the session store owns expiry and the clock), so that a customizer
         * setting one fails where it is written instead of being overridden unseen.
         *
         * @param reason who owns the options and what to set instead, for the message
         * @param options setter names, such as {@code "expireAfterWrite"}
         * @return this builder
         * @throws IllegalArgumentException naming an option this builder does not have
         */
        public Builder reserve(String reason, String... options) {
            Objects.requireNonNull(reason, "reason");
            for (String option : options) {
                if (!OPTIONS.contains(option)) {
                    throw new IllegalArgumentException("no cache option \"" + option + "\" to reserve; options: "
                            + OPTIONS);
                }
                reserved.put(option, reason);
            }
            return this;
        }

        private void settable(String option) {
            String reason = reserved.get(option);
            if (reason != null) {
                throw new IllegalStateException("the cache option " + option + " cannot be set here: " + reason);
            }
        }

        /**
         * Opens the file, or creates it when absent. Many processes may build at once: exactly one creates the
         * file, the others open it.
         *
         * @return the open cache
         * @throws IncompatibleCacheFileException when the file has another geometry or format
         * @throws CacheFileException when the file cannot be created, opened or trusted
         */
        public FastMmap build() {
            Geometry geometry = Geometry.resolve(cacheSizeBytes, pageCount, pageSizeBytes);
            long ttlMillis = expireAfterWrite == null ? 0 : Engine.ttlMillis(expireAfterWrite);
            CacheConfig config = new CacheConfig(file, geometry, ttlMillis, recreate, deleteOnClose, clock,
                    lockTimeout.toNanos(), filePermissions, migrateEntries, allowRemoteFileSystem);
            FastMmap cache = new FastMmap(Engine.open(config), enableStats);
            if (jmx) {
                try {
                    cache.jmx = FastMmapJmx.register(cache);
                } catch (RuntimeException e) {
                    cache.close();
                    throw e;
                }
            }
            return cache;
        }
    }
}
