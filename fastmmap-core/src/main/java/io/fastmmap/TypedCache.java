package io.fastmmap;

import io.fastmmap.internal.Engine;
import io.fastmmap.internal.PageScan;
import io.fastmmap.internal.codec.ValueEncoding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A typed view of a {@link FastMmap}: keys and values go through {@link Codec}s, values optionally through a
 * {@link Compression}, and a backing store can be attached with read-through, write-through or write-back
 * callbacks (Perl's {@code read_cb}, {@code write_cb}, {@code delete_cb}).
 *
 * {@snippet :
 * try (TypedCache<String, String> sessions = TypedCache.builder(fastMmap, Codec.utf8(), Codec.utf8())
 *         .compression(Compression.deflate(), 512)
 *         .readThrough(id -> database.load(id))
 *         .writeBack((id, value, expiresAt) -> database.save(id, value))
 *         .build()) {
 *     String value = sessions.get("abc");
 * }
 * }
 *
 * <p><b>Callbacks</b> never run while a page is locked (the one exception is the function given to
 * {@link #compute}, which is the point of it), so a slow backing store blocks no other key and a callback may use
 * this cache. A callback that throws is reported as a {@link CallbackException}, never swallowed; its message says
 * what state the cache was left in:
 * <ul>
 *   <li><b>read-through</b> ({@link Builder#readThrough}): on a miss in {@link #get}, the loader runs; its value is
 *       stored (with the default time to live) unless another writer stored one meanwhile, which then wins. With
 *       {@link Builder#cacheNotFound}, a null result is remembered as "known absent" so the loader is not asked
 *       again until that marker expires or is removed. A loader that throws caches nothing.</li>
 *   <li><b>write-through</b> ({@link Builder#writeThrough}): {@link #put} writes the backing store first and the
 *       cache only when that succeeded, so a refused write leaves both unchanged (Perl writes the cache first and
 *       swallows the error).</li>
 *   <li><b>write-back</b> ({@link Builder#writeBack}): {@link #put} marks the entry dirty in the file. A dirty
 *       entry is written to the backing store when it leaves the cache: evicted or dropped expired by a write of
 *       this instance, {@link #evict}, {@link #evictAll}, {@link #purge}, or {@link #close()} with
 *       {@link Builder#evictAllOnClose}. The callback runs after the page is unlocked; when it throws, the operation
 *       that dropped the entry has completed and the {@link CallbackException} carries the unwritten entries. Only
 *       processes configured with the same write-back callback write entries back: an eviction caused by a plain
 *       {@link FastMmap} elsewhere drops dirty entries, as in Perl. {@link #clear()} and {@link #remove} drop
 *       dirty entries without writing them, as in Perl.</li>
 *   <li><b>delete</b> ({@link Builder#onDelete}): called after {@link #remove} and {@link #getAndRemove}, whether
 *       or not the key was cached, and also when the entry was dirty (Perl skips dirty ones, which lets an older
 *       copy in the backing store come back through read-through).</li>
 * </ul>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TypedCache<K, V> implements AutoCloseable {
    private final FastMmap cache;
    private final Engine engine;
    private final Codec<K> keyCodec;
    private final ValueEncoding<V> values;
    private final Loader<? super K, ? extends V> loader;
    private final boolean cacheNotFound;
    private final Writer<? super K, ? super V> writer;
    private final boolean writeBack;
    private final Deleter<? super K> deleter;
    private final boolean evictAllOnClose;
    private final boolean flushOnClose;

    private TypedCache(Builder<K, V> builder) {
        this.cache = builder.cache;
        this.engine = cache.engine();
        this.keyCodec = builder.keyCodec;
        this.values = new ValueEncoding<>(builder.valueCodec, builder.compression, builder.thresholdBytes);
        this.loader = builder.loader;
        this.cacheNotFound = builder.cacheNotFound;
        this.writer = builder.writer;
        this.writeBack = builder.writeBack;
        this.deleter = builder.deleter;
        this.evictAllOnClose = builder.evictAllOnClose;
        this.flushOnClose = builder.flushOnClose;
        if (writeBack) {
            engine.onDirtyDropped(this::writeBackDropped);
        }
    }

    /**
     * @param cache the file to view; {@link #close()} closes it
     * @param keyCodec encodes keys (must be injective: two keys never share bytes)
     * @param valueCodec encodes values
     * @param <K> key type
     * @param <V> value type
     * @return a builder
     */
    public static <K, V> Builder<K, V> builder(FastMmap cache, Codec<K> keyCodec, Codec<V> valueCodec) {
        return new Builder<>(cache, keyCodec, valueCodec);
    }

    // ---------------------------------------------------------------- reads

    /**
     * @param key the key
     * @return the value; on a miss, what the read-through loader returned (null when none is configured)
     * @throws CallbackException when the loader threw (nothing was cached)
     */
    public V get(K key) {
        byte[] keyBytes = keyCodec.encode(key);
        PageScan.Entry entry = engine.readEntry(keyBytes);
        count(entry);
        if (entry != null || loader == null) {
            return decode(key, entry);
        }
        V loaded;
        try {
            loaded = loader.load(key);
        } catch (Exception e) {
            throw new CallbackException(cache.file() + ": the read-through loader threw for key " + show(key)
                    + "; nothing was cached", e, List.of());
        }
        if (loaded == null && !cacheNotFound) {
            return null;
        }
        PageScan.Entry marker = loaded == null
                ? new PageScan.Entry(keyBytes, new byte[0], 0, ValueEncoding.ABSENT_FLAG)
                : clean(keyBytes, values.encode(loaded)); // it came from the backing store: not dirty
        return decode(key, engine.updateEntry(keyBytes, current -> current == null ? marker : current));
    }

    /**
     * @param key the key
     * @return true when the key has a live value (a "known absent" marker does not count); never calls the loader
     */
    public boolean containsKey(K key) {
        PageScan.Entry entry = engine.readEntry(keyCodec.encode(key));
        return entry != null && !ValueEncoding.isAbsentMarker(entry);
    }

    /**
     * Reads many keys, locking each page once (see {@link FastMmap#multiGet}). Does not call the loader, like
     * Perl's {@code multi_get}.
     *
     * @param keys the keys
     * @return the hits, in the iteration order of {@code keys}
     */
    public Map<K, V> getAll(Collection<? extends K> keys) {
        List<K> asked = new ArrayList<>(keys);
        List<byte[]> encoded = new ArrayList<>(asked.size());
        for (K key : asked) {
            encoded.add(keyCodec.encode(key));
        }
        PageScan.Entry[] entries = engine.multiGetEntries(encoded);
        Map<K, V> hits = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i++) {
            count(entries[i]);
            V value = decode(asked.get(i), entries[i]);
            if (value != null) {
                hits.put(asked.get(i), value);
            }
        }
        return hits;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Stores a value with the default time to live.
     *
     * @param key the key
     * @param value the value, not null
     * @throws CallbackException when write-through failed (the cache was not changed), or when a write-back of
     *     entries this write evicted failed (this value was stored)
     */
    public void put(K key, V value) {
        put(key, value, engine.defaultTtlMillis());
    }

    /**
     * Stores a value that expires {@code ttl} from now. See {@link #put(Object, Object)}.
     *
     * @param key the key
     * @param value the value, not null
     * @param ttl time to live, positive
     */
    public void put(K key, V value, Duration ttl) {
        put(key, value, Engine.ttlMillis(ttl));
    }

    private void put(K key, V value, long ttlMillis) {
        byte[] keyBytes = keyCodec.encode(key);
        ValueEncoding.Encoded encoded = values.encode(value);
        if (writer != null && !writeBack) {
            writeThrough(key, value, Engine.expireAtMillis(engine.nowMillis(), ttlMillis), "the cache was not changed");
        }
        engine.set(keyBytes, encoded.bytes(), ttlMillis, dirty(encoded.flags()));
        counted(c -> c.sets.increment());
    }

    /**
     * Stores many entries with the default time to live, locking each page once. With write-through, all are
     * written to the backing store first; if one fails, none is cached.
     *
     * @param entries the entries
     */
    public void putAll(Map<? extends K, ? extends V> entries) {
        List<byte[]> keys = new ArrayList<>(entries.size());
        List<byte[]> encoded = new ArrayList<>(entries.size());
        int[] flags = new int[entries.size()];
        for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
            ValueEncoding.Encoded value = values.encode(entry.getValue());
            flags[keys.size()] = dirty(value.flags());
            keys.add(keyCodec.encode(entry.getKey()));
            encoded.add(value.bytes());
        }
        if (writer != null && !writeBack) {
            long ttl = engine.defaultTtlMillis();
            for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
                writeThrough(entry.getKey(), entry.getValue(), Engine.expireAtMillis(engine.nowMillis(), ttl),
                        "the entries before it were written to the backing store, none was cached");
            }
        }
        engine.multiSet(keys, encoded, engine.defaultTtlMillis(), flags);
        counted(c -> c.sets.add(keys.size()));
    }

    /**
     * Atomically replaces the value of {@code key} across threads and processes, like {@link Map#compute}; a new
     * value is stored with the default time to live (as {@link FastMmap#getAndSet}). The
     * function runs with the page locked: keep it short and do not call any cache from it. Write-through and the
     * delete callback run after the page is unlocked.
     *
     * @param key the key
     * @param function gets the key and the current value (or null); returns the new value, null to remove, or the
     *     very value it was given to change nothing
     * @return the value now stored, or null
     */
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> function) {
        Objects.requireNonNull(function, "function");
        byte[] keyBytes = keyCodec.encode(key);
        Object[] outcome = new Object[2]; // old value, new value
        PageScan.Entry stored = engine.updateEntry(keyBytes, current -> {
            V old = decode(key, current);
            V next = function.apply(key, old);
            outcome[0] = old;
            outcome[1] = next;
            if (next == old && (next != null || current == null)) {
                return current;
            }
            return next == null ? null : toEntry(keyBytes, values.encode(next), 0);
        });
        @SuppressWarnings("unchecked")
        V next = (V) outcome[1];
        if (next != null && next != outcome[0]) {
            counted(c -> c.sets.increment());
            if (writer != null && !writeBack) {
                writeThrough(key, next, stored.expireAtMillis(), "the cache holds the new value");
            }
        } else if (next == null && outcome[0] != null) {
            counted(c -> c.removed(true));
            delete(key);
        }
        return next;
    }

    /**
     * Stores {@code value} only when the key has no live value, atomically across threads and processes, like
     * {@link Map#putIfAbsent}; callbacks as for {@link #compute}.
     *
     * @param key the key
     * @param value the value, not null
     * @return the value already there (nothing was stored), or null when {@code value} was stored
     */
    public V putIfAbsent(K key, V value) {
        Objects.requireNonNull(value, "value");
        List<V> previous = new ArrayList<>(1);
        compute(key, (k, old) -> {
            previous.add(old);
            return old == null ? value : old;
        });
        return previous.get(previous.size() - 1);
    }

    private int dirty(int flags) {
        return writeBack ? flags | Engine.DIRTY_FLAG : flags;
    }

    private PageScan.Entry toEntry(byte[] key, ValueEncoding.Encoded encoded, long expireAtMillis) {
        return new PageScan.Entry(key, encoded.bytes(), expireAtMillis, dirty(encoded.flags()));
    }

    private static PageScan.Entry clean(byte[] key, ValueEncoding.Encoded encoded) {
        return new PageScan.Entry(key, encoded.bytes(), 0, encoded.flags());
    }

    // ---------------------------------------------------------------- removal

    /**
     * Removes the key and calls the delete callback (also when the key was not cached).
     *
     * @param key the key
     * @return true when a live value was removed
     * @throws CallbackException when the delete callback threw (the entry is removed from the cache)
     */
    public boolean remove(K key) {
        return getAndRemove(key) != null;
    }

    /**
     * Like {@link #remove}, returning the value the key had.
     *
     * @param key the key
     * @return the removed value, or null
     */
    public V getAndRemove(K key) {
        PageScan.Entry entry = engine.takeEntry(keyCodec.encode(key));
        V value = decode(key, entry);
        counted(c -> c.removed(value != null));
        delete(key);
        return value;
    }

    /**
     * Drops the key as an eviction would: a dirty value is written back first, and the delete callback is not
     * called, so the backing store keeps it (Perl {@code expire}). {@link #remove} is the call that deletes.
     *
     * @param key the key
     * @return true when the key had a live value
     * @throws CallbackException when the write-back failed; the entry is gone and is in
     *     {@link CallbackException#unwritten()}
     */
    public boolean evict(K key) {
        PageScan.Entry entry = engine.takeEntry(keyCodec.encode(key));
        if (entry == null) {
            return false;
        }
        if (writeBack && (entry.flags() & Engine.DIRTY_FLAG) != 0) {
            writeBackDropped(List.of(entry));
        }
        return !ValueEncoding.isAbsentMarker(entry);
    }

    /**
     * Drops every entry as {@link #evict} does, writing dirty ones back, without the delete callback (Perl
     * {@code empty(0)}; Perl's {@code empty(1)} is {@link #purge()}). Pages are handled one at a time; each page's
     * write-backs run after it is unlocked.
     */
    public void evictAll() {
        engine.empty(false);
    }

    /**
     * Writes every dirty live entry back and marks it clean, keeping it in the cache (Perl has no such call; its
     * {@code empty_on_exit} empties the shared cache instead). Pages are read one at a time and the callback runs
     * without a lock; an entry changed meanwhile stays dirty. Without write-back this does nothing.
     *
     * @return how many entries were written
     * @throws CallbackException when some writes failed; those entries stay dirty and in the cache
     */
    public int flush() {
        if (!writeBack) {
            return 0;
        }
        int written = 0;
        FailedWrites failures = new FailedWrites();
        for (CacheEntry entry : cache.entriesWithValues()) {
            if ((entry.flags() & Engine.DIRTY_FLAG) == 0 || (entry.flags() & ValueEncoding.ABSENT_FLAG) != 0) {
                continue;
            }
            K key = keyCodec.decode(entry.key());
            try {
                writer.write(key, values.decode(new PageScan.Entry(entry.key(), entry.value(), 0, entry.flags())),
                        entry.expiresAt());
            } catch (Exception e) {
                failures.add(entry, cache.file() + ": the write-back callback threw for key " + show(key)
                        + " during flush(); it stays dirty in the cache", e);
                continue;
            }
            engine.clearDirty(entry.key(), entry.value());
            written++;
        }
        failures.throwIfAny(" entries unwritten");
        return written;
    }

    /** Removes every entry, without write-back or delete callbacks (Perl {@code clear}); see {@link #evictAll}. */
    public void clear() {
        cache.clear();
    }

    /** Drops expired entries now; with write-back, dirty ones are written back first (Perl {@code empty(1)}). */
    public void purge() {
        if (writeBack) {
            engine.empty(true);
        } else {
            cache.purge();
        }
    }

    // ---------------------------------------------------------------- iteration, lifecycle

    /**
     * Live keys, one page locked at a time; see {@link FastMmap#keys()} (not a snapshot). "Known absent" markers
     * are skipped.
     *
     * @return the keys
     */
    public Iterable<K> keys() {
        return () -> new FilteringIterator<>(cache.entries().iterator(),
                e -> (e.flags() & ValueEncoding.ABSENT_FLAG) == 0 ? keyCodec.decode(e.key()) : null);
    }

    /**
     * Live entries with values, one page locked at a time; see {@link FastMmap#entriesWithValues()}.
     *
     * @return the entries
     */
    public Iterable<Map.Entry<K, V>> entries() {
        return () -> new FilteringIterator<>(cache.entriesWithValues().iterator(), e -> {
            PageScan.Entry entry = new PageScan.Entry(e.key(), e.value(), 0, e.flags());
            if (ValueEncoding.isAbsentMarker(entry)) {
                return null;
            }
            K key = keyCodec.decode(e.key());
            return Map.entry(key, decode(key, entry));
        });
    }

    /** @return the underlying byte cache */
    public FastMmap raw() {
        return cache;
    }

    /**
     * With {@link Builder#evictAllOnClose}, evicts every entry writing dirty ones back (Perl {@code empty_on_exit});
     * with {@link Builder#flushOnClose}, writes dirty entries back and keeps them; then closes the underlying
     * {@link FastMmap}, even when a write-back failed.
     */
    @Override
    public void close() {
        try {
            if (evictAllOnClose) {
                evictAll();
            } else if (flushOnClose) {
                flush();
            }
        } finally {
            cache.close();
        }
    }

    @Override
    public String toString() {
        return "TypedCache[" + cache.file() + ", keys " + keyCodec + ", values " + values + "]";
    }

    // ---------------------------------------------------------------- helpers

    private V decode(K key, PageScan.Entry entry) {
        if (entry == null) {
            return null;
        }
        try {
            return values.decode(entry);
        } catch (CodecException e) {
            throw new CodecException(cache.file() + ": key " + show(key) + ": " + e.getMessage(), e);
        }
    }

    private void count(PageScan.Entry entry) {
        OperationCounters counters = cache.counters();
        if (counters != null) {
            counters.read(entry == null || ValueEncoding.isAbsentMarker(entry) ? null : entry);
        }
    }

    private void counted(java.util.function.Consumer<OperationCounters> update) {
        OperationCounters counters = cache.counters();
        if (counters != null) {
            update.accept(counters);
        }
    }

    private void writeThrough(K key, V value, long expireAtMillis, String stateOnFailure) {
        try {
            writer.write(key, value, expireAtMillis == 0 ? null : Instant.ofEpochMilli(expireAtMillis));
        } catch (Exception e) {
            throw new CallbackException(cache.file() + ": the write-through callback threw for key " + show(key)
                    + "; " + stateOnFailure, e, List.of());
        }
    }

    private void delete(K key) {
        if (deleter == null) {
            return;
        }
        try {
            deleter.delete(key);
        } catch (Exception e) {
            throw new CallbackException(cache.file() + ": the delete callback threw for key " + show(key)
                    + "; the entry is removed from the cache", e, List.of());
        }
    }

    /** Writes back every dropped dirty entry, then reports all failures at once. */
    private void writeBackDropped(List<PageScan.Entry> dropped) {
        FailedWrites failures = new FailedWrites();
        for (PageScan.Entry entry : dropped) {
            if (ValueEncoding.isAbsentMarker(entry)) {
                continue;
            }
            K key = null;
            try {
                key = keyCodec.decode(entry.key());
                writer.write(key, values.decode(entry), entry.expireAtMillis() == 0 ? null
                        : Instant.ofEpochMilli(entry.expireAtMillis()));
            } catch (Exception e) {
                failures.add(CacheViews.toEntry(entry), cache.file() + ": the write-back callback threw for key "
                        + (key == null ? "(undecodable)" : show(key)) + "; the entry has left the cache", e);
            }
        }
        failures.throwIfAny(" of " + dropped.size() + " dirty entries unwritten: see unwritten() to retry");
    }

    private static String show(Object key) {
        String text = key instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(key);
        return text.length() <= 60 ? "\"" + text + "\"" : "\"" + text.substring(0, 60) + "...\"";
    }

    // ---------------------------------------------------------------- callback types and builder

    /** Read-through: loads a value from the backing store on a miss (Perl {@code read_cb}). */
    @FunctionalInterface
    public interface Loader<K, V> {
        /**
         * @param key the key missed
         * @return the value, or null when the backing store has none
         * @throws Exception reported to the caller of {@code get} as {@link CallbackException}
         */
        V load(K key) throws Exception;
    }

    /** Write-through or write-back: stores a value in the backing store (Perl {@code write_cb}). */
    @FunctionalInterface
    public interface Writer<K, V> {
        /**
         * @param key the key
         * @param value the value
         * @param expiresAt when the cache entry expires, or null when never (Perl's {@code $expire_on})
         * @throws Exception reported as {@link CallbackException}
         */
        void write(K key, V value, Instant expiresAt) throws Exception;
    }

    /** Deletes a key from the backing store (Perl {@code delete_cb}). */
    @FunctionalInterface
    public interface Deleter<K> {
        /**
         * @param key the key removed
         * @throws Exception reported as {@link CallbackException}
         */
        void delete(K key) throws Exception;
    }

    /**
     * Configures a {@link TypedCache}.
     *
     * @param <K> key type
     * @param <V> value type
     */
    public static final class Builder<K, V> {
        private final FastMmap cache;
        private final Codec<K> keyCodec;
        private final Codec<V> valueCodec;
        private Compression compression;
        private int thresholdBytes;
        private Loader<? super K, ? extends V> loader;
        private boolean cacheNotFound;
        private Writer<? super K, ? super V> writer;
        private boolean writeThrough;
        private boolean writeBack;
        private Deleter<? super K> deleter;
        private boolean evictAllOnClose;
        private boolean flushOnClose;

        private Builder(FastMmap cache, Codec<K> keyCodec, Codec<V> valueCodec) {
            this.cache = Objects.requireNonNull(cache, "cache");
            this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
            this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec");
        }

        /**
         * Compress values whose encoded form has at least {@code thresholdBytes} bytes (Perl {@code compressor};
         * Perl has no threshold). Shorter values, and values that would not shrink, are stored as they are.
         * Entries compressed by the built-in algorithms are read whatever is configured here.
         *
         * @param compression the algorithm
         * @param thresholdBytes 0 or more
         * @return this builder
         */
        public Builder<K, V> compression(Compression compression, int thresholdBytes) {
            if (thresholdBytes < 0) {
                throw new IllegalArgumentException("thresholdBytes=" + thresholdBytes + "; it must be 0 or more");
            }
            if (compression.id() < 1 || compression.id() > 15) {
                throw new IllegalArgumentException(compression + " has id " + compression.id()
                        + "; ids are 1 to 15 (4 bits of the entry's flags)");
            }
            this.compression = compression;
            this.thresholdBytes = thresholdBytes;
            return this;
        }

        /**
         * Read-through on a miss in {@code get} (Perl {@code read_cb}); always called without a page lock (Perl
         * needs {@code allow_recursive} for that).
         *
         * @param loader the loader
         * @return this builder
         */
        public Builder<K, V> readThrough(Loader<? super K, ? extends V> loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * Remember a null from the loader as "known absent" (Perl {@code cache_not_found}), with the default time
         * to live.
         *
         * @param cacheNotFound true to remember
         * @return this builder
         */
        public Builder<K, V> cacheNotFound(boolean cacheNotFound) {
            this.cacheNotFound = cacheNotFound;
            return this;
        }

        /**
         * Write every {@code put} to the backing store first (Perl {@code write_action => 'write_through'}).
         *
         * @param writer the writer
         * @return this builder
         */
        public Builder<K, V> writeThrough(Writer<? super K, ? super V> writer) {
            this.writer = Objects.requireNonNull(writer, "writer");
            this.writeThrough = true;
            return this;
        }

        /**
         * Mark {@code put}s dirty and write them when they leave the cache (Perl
         * {@code write_action => 'write_back'}). One write-back view per {@link FastMmap} instance.
         *
         * @param writer the writer
         * @return this builder
         */
        public Builder<K, V> writeBack(Writer<? super K, ? super V> writer) {
            this.writer = Objects.requireNonNull(writer, "writer");
            this.writeBack = true;
            return this;
        }

        /**
         * Called after {@code remove} (Perl {@code delete_cb}).
         *
         * @param deleter the deleter
         * @return this builder
         */
        public Builder<K, V> onDelete(Deleter<? super K> deleter) {
            this.deleter = Objects.requireNonNull(deleter, "deleter");
            return this;
        }

        /**
         * {@link TypedCache#close()} first calls {@link TypedCache#evictAll()}, writing dirty entries back (Perl
         * {@code empty_on_exit}). Every entry is dropped, also for other processes sharing the file.
         *
         * @param evictAllOnClose true to evict every entry
         * @return this builder
         */
        public Builder<K, V> evictAllOnClose(boolean evictAllOnClose) {
            this.evictAllOnClose = evictAllOnClose;
            return this;
        }

        /**
         * {@link TypedCache#close()} first calls {@link TypedCache#flush()}: dirty entries are written back and
         * stay cached for the other processes. The gentler alternative to {@link #evictAllOnClose}.
         *
         * @param flushOnClose true to flush
         * @return this builder
         */
        public Builder<K, V> flushOnClose(boolean flushOnClose) {
            this.flushOnClose = flushOnClose;
            return this;
        }

        /**
         * @return the typed cache
         * @throws IllegalStateException when options that exclude each other were both chosen
         */
        public TypedCache<K, V> build() {
            if (writeThrough && writeBack) {
                throw new IllegalStateException(cache.file() + ": writeThrough(writer) and writeBack(writer) were "
                        + "both set; choose one: writeThrough stores in the backing store on every put, writeBack "
                        + "when the entry leaves the cache");
            }
            if (cacheNotFound && loader == null) {
                throw new IllegalStateException(cache.file() + ": cacheNotFound(true) remembers what the loader did "
                        + "not find, but no loader was set: add readThrough(loader), or drop cacheNotFound(true)");
            }
            return new TypedCache<>(this);
        }
    }
}
