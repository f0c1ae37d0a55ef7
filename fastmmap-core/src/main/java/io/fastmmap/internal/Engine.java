package io.fastmmap.internal;

import io.fastmmap.CacheClosedException;
import io.fastmmap.ValueTooLargeException;
import io.fastmmap.VerifyReport;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * What {@code FastMmap} delegates to: argument checks, hashing, the lock / repair / retry discipline around each
 * page operation, expiry times, and the instance's lifecycle.
 *
 * <p>Every operation: hash the key, lock its page, repair the page if its previous holder died mid-update, run,
 * unlock. When the page fails a check mid-operation, it is repaired and the operation retried once.
 */
public final class Engine implements PagedCache {
    /**
     * Threads inside a getAndSet update function, over all caches of this JVM. An update must not call any cache:
     * it holds a page lock, and waiting for another page (of any file) while holding one can deadlock with a
     * thread that does the reverse. The counter keeps the check to one volatile read while no update runs.
     */
    private static final AtomicInteger UPDATES_RUNNING =
            new AtomicInteger();
    /**
     * Per thread, how many update functions it is inside (0 or 1: a nested one is refused). A mutable counter that
     * stays, instead of set and remove around each update: set after remove allocated a new map entry on every
     * getAndSet. An {@code int[]}, a JDK type, so a thread that outlives this library's class loader (a container's
     * pool) does not keep it alive.
     */
    private static final ThreadLocal<int[]> IN_UPDATE = new ThreadLocal<>();

    private final CacheConfig config;
    private final Attachment attachment;
    private final PageStore store;
    private final Placement placement;
    private final PageLocks locks;
    private final Clock clock;
    /** {@code clock::millis} made once, for the expiry checks that read the clock only when they need it. */
    private final LongSupplier wallMillis;
    private final int pageSize;
    private volatile boolean closed;
    /** Receives the dirty records compactions of this instance drop; null unless write-back is configured. */
    private volatile Consumer<List<PageScan.Entry>> dirtyHandler;
    /**
     * Values refused as too large for a page. Counted in this JVM, as nothing reaches the file; always on, since a
     * refusal is rare and worth seeing even without enableStats.
     */
    private final LongAdder tooLargeRefusals = new LongAdder();
    /** The page {@link #verifyNext} starts from. */
    private final AtomicInteger verifyCursor = new AtomicInteger();

    private Engine(CacheConfig config, Attachment attachment) {
        this.config = config;
        this.attachment = attachment;
        this.store = attachment.store;
        this.placement = store.placement();
        this.locks = attachment.locks;
        this.clock = config.clock();
        this.wallMillis = clock::millis;
        this.pageSize = config.geometry().pageSizeBytes();
    }

    /** Opens (or creates) the file of {@code config}; with recreate, wipes it. */
    public static Engine open(CacheConfig config) {
        Engine engine = new Engine(config, Attachment.open(config));
        if (config.recreate()) {
            try {
                engine.clear();
            } catch (RuntimeException | Error e) {
                // Nobody gets this engine to close: left open, its channel would reach the Cleaner (see Attachment).
                // Not deleted on close: a wipe that failed is no reason to remove the file others use.
                engine.closed = true;
                try {
                    engine.attachment.release(false);
                } catch (RuntimeException | Error closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
        return engine;
    }

    /**
     * @return the time to live in milliseconds, rounded up, at least 1, at most Long.MAX_VALUE (saturated: adding
     *     the rounding millisecond to Long.MAX_VALUE wrapped to 1 ms)
     * @throws IllegalArgumentException when not positive
     */
    public static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl=" + ttl + "; a time to live must be positive (use "
                    + "set(key, value) for the cache's default)");
        }
        try {
            long millis = ttl.toMillis();
            boolean fraction = ttl.toNanosPart() % 1_000_000 != 0;
            return Math.max(1, fraction && millis < Long.MAX_VALUE ? millis + 1 : millis);
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** @return the configured wall clock's time, as expiry is measured */
    public long nowMillis() {
        return clock.millis();
    }

    public long defaultTtlMillis() {
        return config.defaultTtlMillis();
    }

    public Path file() {
        return attachment.file;
    }

    // ---------------------------------------------------------------- operations

    public byte[] get(byte[] key) {
        checkKey(key);
        return onKey(key, READ, null, 0, 0, null);
    }

    private byte[] readLocked(int page, byte[] key, int tag) {
        long base = store.pageBase(page);
        int offset = liveRecord(page, base, key, tag);
        return offset < 0 ? null : store.readValue(page, base, offset, key);
    }

    /** @return the offset of the record of {@code key} when it has one that has not expired, else -1 */
    private int liveRecord(int page, long base, byte[] key, int tag) {
        int slot = store.find(page, base, key, tag);
        if (slot < 0) {
            return -1;
        }
        int offset = store.recordOffset(base, slot);
        return store.isExpired(base, offset, wallMillis) ? -1 : offset;
    }

    public boolean exists(byte[] key) {
        checkKey(key);
        return onKey(key, EXISTS, null, 0, 0, null);
    }

    private boolean existsLocked(int page, byte[] key, int tag) {
        long base = store.pageBase(page);
        int offset = liveRecord(page, base, key, tag);
        if (offset >= 0) {
            store.touch(page, base, offset);
        }
        return offset >= 0;
    }

    public void set(byte[] key, byte[] value, long ttlMillis) {
        set(key, value, ttlMillis, 0);
    }

    /** Stores with record flags; see {@link #DIRTY_FLAG}. */
    public void set(byte[] key, byte[] value, long ttlMillis, int flags) {
        checkEntry(key, value);
        List<PageScan.Entry> dropped = dirtySink();
        onKey(key, PUT, value, ttlMillis, flags, dropped);
        writeBack(dropped);
    }

    private Void putLocked(int page, byte[] key, int tag, byte[] value, long ttlMillis, int flags,
            List<PageScan.Entry> dropped) {
        long now = clock.millis();
        store.put(page, key, tag, value, expireAt(now, ttlMillis), flags, now, dropped);
        return null;
    }

    // ---------------------------------------------------------------- flags and write-back (for typed caches)

    /** The record flag of a value not yet written to the backing store (Perl {@code FC_ISDIRTY}). */
    public static final int DIRTY_FLAG = PageFormat.FLAG_DIRTY;

    /** The record flag of eviction class protected ({@code io.fastmmap.EvictionClass}). */
    public static final int PROTECTED_FLAG = PageFormat.FLAG_PROTECTED;

    /**
     * Sets who receives the dirty records ({@link #DIRTY_FLAG}) that this instance's writes and sweeps drop by
     * eviction or expiry. It is called after the page is unlocked; what it throws reaches the caller of the
     * operation, which has completed.
     */
    public synchronized void onDirtyDropped(Consumer<List<PageScan.Entry>> handler) {
        if (dirtyHandler != null) {
            throw new IllegalStateException(file() + ": this FastMmap already has a write-back TypedCache; build one "
                    + "write-back view per FastMmap instance (open the file again for another)");
        }
        this.dirtyHandler = handler;
    }

    private List<PageScan.Entry> dirtySink() {
        return dirtyHandler == null ? null : new ArrayList<>();
    }

    private void writeBack(List<PageScan.Entry> dropped) {
        if (dropped != null && !dropped.isEmpty()) {
            dirtyHandler.accept(dropped);
        }
    }

    /** @return the live entry of {@code key} with its expiry and flags (counts as a use), or null */
    public PageScan.Entry readEntry(byte[] key) {
        return apply(key, (page, tag, now) -> readEntryLocked(page, key, tag));
    }

    private PageScan.Entry readEntryLocked(int page, byte[] key, int tag) {
        long base = store.pageBase(page);
        int offset = liveRecord(page, base, key, tag);
        if (offset < 0) {
            return null;
        }
        byte[] value = store.readValue(page, base, offset, key);
        return new PageScan.Entry(key, value, store.expireAtMillis(base, offset), store.flags(base, offset));
    }

    /** Removes {@code key}; @return the live entry it had (with flags), or null */
    public PageScan.Entry takeEntry(byte[] key) {
        return apply(key, (page, tag, now) -> {
            PageScan.Entry entry = readEntryLocked(page, key, tag);
            removeIfPresent(page, key, tag);
            return entry;
        });
    }

    /** Computes a new entry from the current one while the page is locked. */
    @FunctionalInterface
    public interface EntryUpdate {
        /**
         * @param current the live entry, or null
         * @return {@code current} to keep it, null to remove the key, or a new entry (its value and flags are
         *     stored with the default time to live; its key and expiry are ignored)
         */
        PageScan.Entry apply(PageScan.Entry current);
    }

    /** Atomic read-modify-write with flags; @return the entry present afterwards, or null */
    public PageScan.Entry updateEntry(byte[] key, EntryUpdate update) {
        Objects.requireNonNull(update, "update");
        List<PageScan.Entry> dropped = dirtySink();
        Update<PageScan.Entry> call = new Update<>(update::apply, null, dropped);
        PageScan.Entry result = apply(key, (page, tag, now) -> {
            call.decide(() -> readEntryLocked(page, key, tag));
            PageScan.Entry current = call.current;
            PageScan.Entry next = call.next;
            if (next == current && next != null) { // null for null still removes an expired entry, as getAndSet
                return current;
            }
            if (next == null) {
                removeIfPresent(page, key, tag);
                return null;
            }
            checkEntry(key, next.value());
            long expireAt = expireAt(now, config.defaultTtlMillis());
            store.put(page, key, tag, next.value(), expireAt, next.flags(), now, dropped);
            return new PageScan.Entry(key, next.value(), expireAt, next.flags());
        });
        writeBack(dropped);
        return result;
    }

    /**
     * Marks the entry clean after its value was written back, keeping its expiry; only when it still holds exactly
     * {@code writtenValue} and is still dirty (a newer put since the write stays dirty).
     *
     * @return true when the flag was cleared
     */
    public boolean clearDirty(byte[] key, byte[] writtenValue) {
        List<PageScan.Entry> dropped = dirtySink();
        boolean cleared = apply(key, (page, tag, now) -> {
            PageScan.Entry current = readEntryLocked(page, key, tag);
            if (current == null || (current.flags() & DIRTY_FLAG) == 0
                    || !Arrays.equals(current.value(), writtenValue)) {
                return false;
            }
            store.put(page, key, tag, current.value(), current.expireAtMillis(), current.flags() & ~DIRTY_FLAG, now,
                    dropped);
            return true;
        });
        writeBack(dropped);
        return cleared;
    }

    /** Drops expired entries (or all), handing dirty ones to the write-back handler page by page. */
    public void empty(boolean onlyExpired) {
        sweepAll(onlyExpired ? PageStore.Mode.PURGE : PageStore.Mode.CLEAR, true);
    }

    public boolean remove(byte[] key) {
        checkKey(key);
        return onKey(key, REMOVE, null, 0, 0, null);
    }

    private boolean removeLocked(int page, byte[] key, int tag) {
        long base = store.pageBase(page);
        int slot = store.find(page, base, key, tag);
        if (slot < 0) {
            return false;
        }
        boolean live = !store.isExpired(base, store.recordOffset(base, slot), wallMillis);
        store.removeSlot(page, base, slot);
        return live;
    }

    public byte[] getAndRemove(byte[] key) {
        return apply(key, (page, tag, now) -> {
            byte[] value = readLocked(page, key, tag);
            removeIfPresent(page, key, tag);
            return value;
        });
    }

    public byte[] getAndSet(byte[] key, UnaryOperator<byte[]> update) {
        return getAndSet(key, update, null);
    }

    /**
     * @param flagsOf the record flags to store with the update's new value, given that value (called under the page
     *     lock, right after the update, only when it stores something new); null for flags 0
     */
    public byte[] getAndSet(byte[] key, UnaryOperator<byte[]> update, ToIntFunction<byte[]> flagsOf) {
        Objects.requireNonNull(update, "update");
        checkKey(key);
        Update<byte[]> call = new Update<>(update, flagsOf, dirtySink());
        byte[] result = onKey(key, GET_AND_SET, null, config.defaultTtlMillis(), 0, call);
        writeBack(call.dropped);
        return result;
    }

    /**
     * One getAndSet or updateEntry call, the context of its step: the update function, and its decision once it has
     * run. Damage found after that (before the store's commit, or after it: a clock rebase) makes onPage repair the
     * page and run the step again; the retry stores what the update decided instead of running it on what may
     * already be its own result (an increment would be applied twice; the fuzzing campaign found this for
     * getAndSet, the adversarial review of issue 19 for compute). Storing the decision again is idempotent.
     */
    private static final class Update<T> implements UnaryOperator<T> {
        final UnaryOperator<T> function;
        final ToIntFunction<T> flagsOf;
        final List<PageScan.Entry> dropped;
        boolean decided;
        T current;
        T next;
        int nextFlags;

        Update(UnaryOperator<T> function, ToIntFunction<T> flagsOf, List<PageScan.Entry> dropped) {
            this.function = function;
            this.flagsOf = flagsOf;
            this.dropped = dropped;
        }

        /**
         * The user's code: the update, then the new value's flags; both inside one {@link #runUpdate}, which is
         * handed this object itself (no lambda per call on the getAndSet path).
         */
        @Override
        public T apply(T seen) {
            T result = function.apply(seen);
            if (flagsOf != null && result != null && result != seen) {
                nextFlags = flagsOf.applyAsInt(result);
            }
            return result;
        }

        /** Runs the function on what {@code read} finds, the first time only. */
        void decide(java.util.function.Supplier<T> read) {
            if (!decided) {
                current = read.get();
                next = runUpdate(this, current);
                decided = true;
            }
        }
    }

    private byte[] getAndSetLocked(int page, byte[] key, int tag, byte[] unused, long ttlMillis, int flags,
            Update<byte[]> call) {
        if (!call.decided) { // call.decide inlined: a capturing lambda here would allocate on every getAndSet
            call.current = readLocked(page, key, tag);
            call.next = runUpdate(call, call.current);
            call.decided = true;
        }
        byte[] current = call.current;
        byte[] next = call.next;
        // null for null is a removal, not "keep": an expired entry the update saw as absent must go too, or a
        // clock set back would bring it back (ModelPropertyTest found this).
        if (next == current && next != null) {
            return current;
        }
        if (next == null) {
            removeIfPresent(page, key, tag);
            return null;
        }
        checkEntry(key, next);
        long now = clock.millis();
        store.put(page, key, tag, next, expireAt(now, ttlMillis), call.nextFlags, now, call.dropped);
        return next;
    }

    private void removeIfPresent(int page, byte[] key, int tag) {
        long base = store.pageBase(page);
        int slot = store.find(page, base, key, tag);
        if (slot >= 0) {
            store.removeSlot(page, base, slot);
        }
    }

    /** Runs a user's update function with this thread marked as inside one (see {@link #lockWithoutRecovery}). */
    private static <T> T runUpdate(UnaryOperator<T> update, T current) {
        int[] depth = IN_UPDATE.get();
        if (depth == null) {
            depth = new int[1];
            IN_UPDATE.set(depth);
        }
        UPDATES_RUNNING.incrementAndGet();
        depth[0]++;
        try {
            return update.apply(current);
        } finally {
            depth[0]--;
            UPDATES_RUNNING.decrementAndGet();
        }
    }

    /** @return whether this thread is inside an update function; one volatile read while no update runs anywhere */
    private static boolean inUpdate() {
        if (UPDATES_RUNNING.get() == 0) {
            return false;
        }
        int[] depth = IN_UPDATE.get();
        return depth != null && depth[0] != 0;
    }

    /**
     * Reads many keys, locking each page they fall on once, in page order (so two batches never wait for each
     * other in a cycle).
     *
     * @return the values in the order of {@code keys}, null for a miss
     */
    public byte[][] multiGet(List<byte[]> keys) {
        byte[][] values = new byte[keys.size()][];
        byPage(keys, (page, indexes, hashes, now) -> {
            for (int i : indexes) {
                values[i] = readLocked(page, keys.get(i), (int) hashes[i]);
            }
        });
        return values;
    }

    /** Like {@link #multiGet} with each entry's expiry and flags; null for a miss. */
    public PageScan.Entry[] multiGetEntries(List<byte[]> keys) {
        PageScan.Entry[] entries = new PageScan.Entry[keys.size()];
        byPage(keys, (page, indexes, hashes, now) -> {
            for (int i : indexes) {
                entries[i] = readEntryLocked(page, keys.get(i), (int) hashes[i]);
            }
        });
        return entries;
    }

    /** Stores many entries, locking each page they fall on once; every entry is checked before any is written. */
    public void multiSet(List<byte[]> keys, List<byte[]> values, long ttlMillis) {
        multiSet(keys, values, ttlMillis, new int[keys.size()]);
    }

    /** Like {@link #multiSet(List, List, long)} with each entry's record flags. */
    public void multiSet(List<byte[]> keys, List<byte[]> values, long ttlMillis, int[] flags) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(file() + ": multiSet got " + keys.size() + " keys but "
                    + values.size() + " values; pass one value per key");
        }
        for (int i = 0; i < keys.size(); i++) {
            checkEntry(keys.get(i), values.get(i));
        }
        List<PageScan.Entry> dropped = dirtySink();
        byPage(keys, (page, indexes, hashes, now) -> {
            for (int i : indexes) {
                store.put(page, keys.get(i), (int) hashes[i], values.get(i), expireAt(now, ttlMillis), flags[i], now,
                        dropped);
            }
        });
        writeBack(dropped);
    }

    @FunctionalInterface
    private interface PageGroup {
        void run(int page, int[] indexes, long[] hashes, long nowMillis);
    }

    private void byPage(List<byte[]> keys, PageGroup group) {
        int count = keys.size();
        long[] hashes = new long[count];
        long[] pageThenIndex = new long[count];
        for (int i = 0; i < count; i++) {
            checkKey(keys.get(i));
            hashes[i] = placement.hash(keys.get(i));
            pageThenIndex[i] = ((long) placement.pageOf(hashes[i]) << 32) | i;
        }
        Arrays.sort(pageThenIndex);
        for (int start = 0; start < count; ) {
            int page = (int) (pageThenIndex[start] >>> 32);
            int end = start;
            while (end < count && (int) (pageThenIndex[end] >>> 32) == page) {
                end++;
            }
            int[] indexes = new int[end - start];
            for (int i = start; i < end; i++) {
                indexes[i - start] = (int) pageThenIndex[i];
            }
            withPage(page, now -> {
                group.run(page, indexes, hashes, now);
                return null;
            });
            start = end;
        }
    }

    public void clear() {
        sweepAll(PageStore.Mode.CLEAR, false);
    }

    public void purge() {
        sweepAll(PageStore.Mode.PURGE, false);
    }

    private void sweepAll(PageStore.Mode mode, boolean writeBack) {
        for (int page = 0; page < store.pageCount(); page++) {
            int target = page;
            List<PageScan.Entry> dropped = writeBack ? dirtySink() : null;
            withPage(page, now -> {
                store.sweep(target, mode, now, dropped);
                return null;
            });
            writeBack(dropped);
        }
    }

    /** @return the live entries of one page, copied while it is locked; see {@link PageScan} */
    public List<PageScan.Entry> scanPage(int page, boolean withValues) {
        return withPage(page, now -> PageScan.collect(store, file(), page, now, withValues));
    }

    public int pageCount() {
        return store.pageCount();
    }

    public int pageSizeBytes() {
        return pageSize;
    }

    @Override
    public long tooLargeRefusalCount() {
        return tooLargeRefusals.sum();
    }

    /** @return the shared counters: evictions, expirations, page repairs, lock recoveries */
    public long[] sharedCounters() {
        checkOpen();
        return store.sharedCounters();
    }

    /**
     * @return space used and free, summed over all pages, read without locks so that statistics never wait for a
     *     busy or paused lock holder (see {@link #unlockedUsage})
     */
    public PageUsage usage() {
        checkOpen();
        return PageUsage.sum(store.pageCount(), this::unlockedUsage);
    }

    /**
     * One page's header counters, validated as {@link ReadOnlyCache} validates reads: unchanged lock word, no holder.
     * A page that stays locked for a few tries (its holder may be paused) is counted as its header stands, which
     * may be off by the change in progress; a header caught unreadable each time counts as empty. Approximate
     * only then, and never waiting.
     */
    private PageUsage unlockedUsage(int page) {
        SharedMemory memory = store.memory();
        long lockWord = store.directoryEntry(page) + PageDirectory.LOCK_WORD_OFFSET;
        PageUsage seen = new PageUsage(0, 0, 0);
        for (int attempt = 0; attempt < 8; attempt++) {
            long before = memory.getLongVolatile(lockWord);
            try {
                seen = PageUsage.of(store, page);
            } catch (RuntimeException changing) { // a header mid-change fails its checks: read again
                Thread.onSpinWait();
                continue;
            }
            VarHandle.acquireFence();
            if (PageDirectory.holder(before) == 0 && memory.getLongVolatile(lockWord) == before) {
                break;
            }
            Thread.onSpinWait();
        }
        return seen;
    }

    public int maxValueByteCount(int keyByteCount) {
        if (keyByteCount < 0 || keyByteCount > PageFormat.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("keyByteCount=" + keyByteCount + "; keys are 0 to "
                    + PageFormat.MAX_KEY_LENGTH + " bytes");
        }
        return (int) Math.max(0, PageFormat.maxRecordBytes(pageSize) - PageFormat.RECORD_HEADER_BYTES - keyByteCount);
    }

    // ---------------------------------------------------------------- the discipline around each operation

    /**
     * What {@link #onPage} runs with the page locked. The steps of the hot operations are constants that capture
     * nothing and take what they need as arguments (set has the most: value, ttlMillis, flags, and its list of
     * dropped dirty entries as the context). With capturing lambdas here, JDK 17 allocated them on every call: its
     * C2 does not inline the call of {@code step.run}, which sees every kind of operation.
     */
    @FunctionalInterface
    private interface Step<C, R> {
        R run(Engine engine, int page, byte[] key, int tag, byte[] value, long ttlMillis, int flags, C context);
    }

    private static final Step<Void, byte[]> READ =
            (engine, page, key, tag, value, ttlMillis, flags, none) -> engine.readLocked(page, key, tag);
    private static final Step<Void, Boolean> EXISTS =
            (engine, page, key, tag, value, ttlMillis, flags, none) -> engine.existsLocked(page, key, tag);
    private static final Step<Void, Boolean> REMOVE =
            (engine, page, key, tag, value, ttlMillis, flags, none) -> engine.removeLocked(page, key, tag);
    private static final Step<List<PageScan.Entry>, Void> PUT = Engine::putLocked;
    private static final Step<Update<byte[]>, byte[]> GET_AND_SET = Engine::getAndSetLocked;

    @FunctionalInterface
    private interface KeyedOperation<T> {
        T run(int page, int tag, long nowMillis);
    }

    @FunctionalInterface
    private interface PageOperation<T> {
        T run(long nowMillis);
    }

    /** For the operations that are not hot: the operation may capture what it needs. */
    private <T> T apply(byte[] key, KeyedOperation<T> operation) {
        checkKey(key);
        return onKey(key, (engine, page, sameKey, tag, value, ttlMillis, flags, keyed) ->
                keyed.run(page, tag, engine.clock.millis()), null, 0, 0, operation);
    }

    private <T> T withPage(int page, PageOperation<T> operation) {
        return onPage(page, null, 0, (engine, samePage, key, tag, value, ttlMillis, flags, paged) ->
                paged.run(engine.clock.millis()), null, 0, 0, operation);
    }

    private <C, R> R onKey(byte[] key, Step<C, R> step, byte[] value, long ttlMillis, int flags, C context) {
        long hash = placement.hash(key);
        return onPage(placement.pageOf(hash), key, (int) hash, step, value, ttlMillis, flags, context);
    }

    /** Locks the page, runs the step, and when the page fails a check, repairs it and runs the step again. */
    private <C, R> R onPage(int page, byte[] key, int tag, Step<C, R> step, byte[] value, long ttlMillis, int flags,
            C context) {
        try {
            lock(page);
            try {
                try {
                    return step.run(this, page, key, tag, value, ttlMillis, flags, context);
                } catch (PageDamage damage) {
                    store.recover(page);
                    return step.run(this, page, key, tag, value, ttlMillis, flags, context);
                }
            } finally {
                locks.unlock(page);
            }
        } catch (InternalError fault) {
            throw MappingFault.translate(attachment, fault);
        }
    }

    /**
     * Checks every page against the file format under its lock; with {@code repair}, rebuilds each page with a
     * finding through the same recovery a dead holder's page gets.
     */
    public VerifyReport verify(boolean repair) {
        checkOpen();
        try {
            return new PageVerifier(attachment).run(repair, this::lockWithoutRecovery);
        } catch (InternalError fault) {
            throw MappingFault.translate(attachment, fault);
        }
    }

    /**
     * Checks without repairing the file header, size and path, the spare table, and the next {@code maxPageCount}
     * pages after those the previous call of this instance checked, wrapping around.
     */
    public VerifyReport verifyNext(int maxPageCount) {
        checkOpen();
        if (maxPageCount < 1) {
            throw new IllegalArgumentException("maxPageCount=" + maxPageCount + "; check at least 1 page");
        }
        int count = Math.min(maxPageCount, store.pageCount());
        int first = verifyCursor.getAndUpdate(at -> (at + count) % store.pageCount());
        try {
            // this::lock: a page a dead process left mid-update is repaired first, as any operation on it would
            return new PageVerifier(attachment).run(false, this::lock, first, count);
        } catch (InternalError fault) {
            throw MappingFault.translate(attachment, fault);
        }
    }

    private void lock(int page) {
        lockWithoutRecovery(page);
        if (store.interrupted(page)) {
            try {
                store.recover(page);
            } catch (RuntimeException | Error e) {
                locks.unlock(page);
                throw e;
            }
        }
    }

    /** Takes the page lock as every operation does, but leaves a page interrupted mid-update as it is. */
    private void lockWithoutRecovery(int page) {
        checkOpen();
        if (inUpdate()) {
            throw new IllegalStateException(file() + ": a getAndSet update function called the cache; it runs "
                    + "with a page locked, so it must not call the cache (compute what you need before)");
        }
        try {
            locks.lock(page, config.lockTimeoutNanos());
        } catch (IllegalStateException unmapped) {
            // The Java 22+ mapping is gone when the last user closed the file while this thread waited.
            if (attachment.isClosed()) {
                throw closedException();
            }
            throw unmapped;
        }
        if (attachment.isClosed()) {
            locks.unlock(page);
            throw closedException();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private CacheClosedException closedException() {
        return new CacheClosedException(file() + ": this cache was closed");
    }

    private static long expireAt(long nowMillis, long ttlMillis) {
        return expireAtMillis(nowMillis, ttlMillis);
    }

    /**
     * The one place an expiry time is computed from a time to live (0: none). Saturates at Long.MAX_VALUE; and as
     * 0 means "never" in the file, an expiry that lands on the epoch itself (a clock before 1970) is stored as 1 ms
     * after it: one millisecond late, instead of never.
     */
    public static long expireAtMillis(long nowMillis, long ttlMillis) {
        if (ttlMillis <= 0) {
            return 0;
        }
        long at = nowMillis + ttlMillis;
        if (at < nowMillis) {
            return Long.MAX_VALUE;
        }
        return at == 0 ? 1 : at;
    }

    private void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length > PageFormat.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(file() + ": a key of " + key.length + " bytes is longer than the "
                    + PageFormat.MAX_KEY_LENGTH + "-byte limit (key starts " + describe(key) + ")");
        }
    }

    private void checkEntry(byte[] key, byte[] value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        long needed = PageFormat.recordBytes(key.length, value.length);
        long limit = PageFormat.maxRecordBytes(pageSize);
        if (needed > limit) {
            tooLargeRefusals.increment();
            throw new ValueTooLargeException(file() + ": the entry for key " + describe(key) + " needs " + needed
                    + " bytes (key " + key.length + " + value " + value.length + " + "
                    + PageFormat.RECORD_HEADER_BYTES + " header, rounded to 8) but one page of pageSize=" + pageSize
                    + " holds at most " + limit + "; raise pageSize (the largest value for this key is "
                    + maxValueByteCount(key.length) + " bytes now)", needed, limit);
        }
    }

    static String describe(byte[] key) {
        int shown = Math.min(key.length, 48);
        boolean printable = true;
        for (int i = 0; i < shown; i++) {
            printable &= key[i] >= 0x20 && key[i] < 0x7F;
        }
        String text = printable
                ? "\"" + new String(key, 0, shown, StandardCharsets.US_ASCII) + "\""
                : "0x" + HexFormat.of().formatHex(key, 0, shown);
        return shown < key.length ? text + "... (" + key.length + " bytes)" : text;
    }

    public String describe() {
        Geometry geometry = config.geometry();
        return file() + ", " + geometry.pageCount() + " pages of " + geometry.pageSizeBytes() + " bytes"
                + (closed ? ", closed" : "");
    }

    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        attachment.release(config.deleteOnClose());
    }
}
