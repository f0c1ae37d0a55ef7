package io.fastmmap.internal;

import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheStats;
import io.fastmmap.ValueTooLargeException;
import io.fastmmap.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What {@code FastMmap} delegates to: argument checks, hashing, the lock / repair / retry discipline around each
 * page operation, expiry times, and the instance's lifecycle.
 *
 * <p>Every operation: hash the key, lock its page, repair the page if its previous holder died mid-update, run,
 * unlock. When the page fails a check mid-operation, it is repaired and the operation retried once.
 */
public final class Engine {
    /**
     * Threads inside a getAndSet update function, over all caches of this JVM. An update must not call any cache:
     * it holds a page lock, and waiting for another page (of any file) while holding one can deadlock with a
     * thread that does the reverse. The counter keeps the check to one volatile read while no update runs.
     */
    private static final java.util.concurrent.atomic.AtomicInteger UPDATES_RUNNING =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final ThreadLocal<Boolean> IN_UPDATE = new ThreadLocal<>();

    private final CacheConfig config;
    private final Attachment attachment;
    private final PageStore store;
    private final PageLocks locks;
    private final Clock clock;
    private final int pageSize;
    private volatile boolean closed;

    private Engine(CacheConfig config, Attachment attachment) {
        this.config = config;
        this.attachment = attachment;
        this.store = attachment.store;
        this.locks = attachment.locks;
        this.clock = config.clock();
        this.pageSize = config.geometry().pageSizeBytes();
    }

    /** Opens (or creates) the file of {@code config}; with recreate, wipes it. */
    public static Engine open(CacheConfig config) {
        Engine engine = new Engine(config, Attachment.open(config));
        if (config.recreate()) {
            engine.clear();
        }
        return engine;
    }

    /**
     * @return the time to live in milliseconds, at least 1
     * @throws IllegalArgumentException when not positive
     */
    public static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl=" + ttl + "; a time to live must be positive (use "
                    + "set(key, value) for the cache's default)");
        }
        try {
            return Math.max(1, ttl.toMillis() + (ttl.toNanosPart() % 1_000_000 == 0 ? 0 : 1));
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    public long defaultTtlMillis() {
        return config.defaultTtlMillis();
    }

    public Path file() {
        return attachment.file;
    }

    // ---------------------------------------------------------------- operations

    public byte[] get(byte[] key) {
        try {
            return read(key);
        } catch (InternalError fault) {
            throw MappingFault.translate(attachment.file, attachment.layout.fileSize(), fault);
        }
    }

    private byte[] read(byte[] key) {
        checkKey(key);
        long hash = store.hash(key);
        int page = store.pageOf(hash);
        lock(page);
        try {
            try {
                return readLocked(page, key, (int) hash);
            } catch (PageDamage damage) {
                store.recover(page);
                return readLocked(page, key, (int) hash);
            }
        } finally {
            locks.unlock(page);
        }
    }

    /** Reads the clock only for an entry that can expire: most session reads then need no clock at all. */
    private byte[] readLocked(int page, byte[] key, int tag) {
        long base = store.pageBase(page);
        int slot = store.find(page, base, key, tag);
        if (slot < 0) {
            return null;
        }
        int offset = store.recordOffset(base, slot);
        long expireAt = store.expireAtMillis(base, offset);
        return expireAt != 0 && clock.millis() >= expireAt ? null : store.readValue(page, base, offset, key);
    }

    public boolean exists(byte[] key) {
        return apply(key, (page, tag, now) -> {
            long base = store.pageBase(page);
            int slot = store.find(page, base, key, tag);
            if (slot < 0) {
                return false;
            }
            int offset = store.recordOffset(base, slot);
            if (store.isExpired(base, offset, now)) {
                return false;
            }
            store.touch(page, base, offset);
            return true;
        });
    }

    public void set(byte[] key, byte[] value, long ttlMillis) {
        checkEntry(key, value);
        apply(key, (page, tag, now) -> {
            store.put(page, key, tag, value, expireAt(now, ttlMillis), now);
            return null;
        });
    }

    public boolean remove(byte[] key) {
        return apply(key, (page, tag, now) -> {
            long base = store.pageBase(page);
            int slot = store.find(page, base, key, tag);
            if (slot < 0) {
                return false;
            }
            boolean live = !store.isExpired(base, store.recordOffset(base, slot), now);
            store.removeSlot(page, base, slot);
            return live;
        });
    }

    public byte[] getAndRemove(byte[] key) {
        return apply(key, (page, tag, now) -> {
            byte[] value = readLocked(page, key, tag);
            long base = store.pageBase(page);
            int slot = store.find(page, base, key, tag);
            if (slot >= 0) {
                store.removeSlot(page, base, slot);
            }
            return value;
        });
    }

    public byte[] getAndSet(byte[] key, UnaryOperator<byte[]> update) {
        Objects.requireNonNull(update, "update");
        checkKey(key);
        return apply(key, (page, tag, now) -> {
            byte[] current = readLocked(page, key, tag);
            byte[] next = runUpdate(update, current);
            // null for null is a removal, not "keep": an expired entry the update saw as absent must go too, or a
            // clock set back would bring it back (ModelPropertyTest found this).
            if (next == current && next != null) {
                return current;
            }
            if (next == null) {
                long base = store.pageBase(page);
                int slot = store.find(page, base, key, tag);
                if (slot >= 0) {
                    store.removeSlot(page, base, slot);
                }
                return null;
            }
            checkEntry(key, next);
            store.put(page, key, tag, next, expireAt(now, config.defaultTtlMillis()), now);
            return next;
        });
    }

    private byte[] runUpdate(UnaryOperator<byte[]> update, byte[] current) {
        UPDATES_RUNNING.incrementAndGet();
        IN_UPDATE.set(Boolean.TRUE);
        try {
            return update.apply(current);
        } finally {
            IN_UPDATE.remove();
            UPDATES_RUNNING.decrementAndGet();
        }
    }

    public void clear() {
        sweepAll(PageStore.Mode.CLEAR);
    }

    public void purge() {
        sweepAll(PageStore.Mode.PURGE);
    }

    private void sweepAll(PageStore.Mode mode) {
        for (int page = 0; page < store.pageCount(); page++) {
            int target = page;
            withPage(page, now -> {
                store.sweep(target, mode, now);
                return null;
            });
        }
    }

    public CacheStats stats() {
        checkOpen();
        return new CacheStats(store.sumCounter(PageDirectory.EVICTION_COUNT),
                store.sumCounter(PageDirectory.EXPIRATION_COUNT), store.sumCounter(PageDirectory.REPAIR_COUNT),
                store.sumCounter(PageDirectory.LOCK_RECOVERY_COUNT));
    }

    public int maxValueByteCount(int keyByteCount) {
        if (keyByteCount < 0 || keyByteCount > PageFormat.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("keyByteCount=" + keyByteCount + "; keys are 0 to "
                    + PageFormat.MAX_KEY_LENGTH + " bytes");
        }
        return (int) Math.max(0, PageFormat.maxRecordBytes(pageSize) - PageFormat.RECORD_HEADER_BYTES - keyByteCount);
    }

    // ---------------------------------------------------------------- the discipline around each operation

    @FunctionalInterface
    private interface KeyedOperation<T> {
        T run(int page, int tag, long nowMillis);
    }

    @FunctionalInterface
    private interface PageOperation<T> {
        T run(long nowMillis);
    }

    private <T> T apply(byte[] key, KeyedOperation<T> operation) {
        checkKey(key);
        long hash = store.hash(key);
        int page = store.pageOf(hash);
        return withPage(page, now -> operation.run(page, (int) hash, now));
    }

    private <T> T withPage(int page, PageOperation<T> operation) {
        try {
            return withPageLocked(page, operation);
        } catch (InternalError fault) {
            throw MappingFault.translate(attachment.file, attachment.layout.fileSize(), fault);
        }
    }

    private <T> T withPageLocked(int page, PageOperation<T> operation) {
        long now = clock.millis();
        lock(page);
        try {
            try {
                return operation.run(now);
            } catch (PageDamage damage) {
                store.recover(page);
                return operation.run(now);
            }
        } finally {
            locks.unlock(page);
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
            throw MappingFault.translate(attachment.file, attachment.layout.fileSize(), fault);
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
        if (UPDATES_RUNNING.get() != 0 && IN_UPDATE.get() != null) {
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
        if (ttlMillis == 0) {
            return 0;
        }
        long at = nowMillis + ttlMillis;
        return at < nowMillis ? Long.MAX_VALUE : at;
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
