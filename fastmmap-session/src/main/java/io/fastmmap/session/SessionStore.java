package io.fastmmap.session;

import io.fastmmap.CacheEntry;
import io.fastmmap.CacheFileInfo;
import io.fastmmap.EvictionClass;
import io.fastmmap.FastMmap;
import io.fastmmap.ValueTooLargeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * Web sessions in one fastmmap file shared by every process of an application: the Java form of Perl's
 * Catalyst::Plugin::Session::Store::FastMmap, container-neutral (the Spring Session repository builds on it).
 *
 * <p><b>One entry per session</b> holds attributes, creation time, last access, max inactive interval and principal
 * together, so LRU eviction can never separate a session from its expiry. <b>Sliding expiry</b>: every write moves
 * the last access forward; a session is expired {@code maxInactiveInterval} after it, and reads never return an
 * expired session. {@link #deleteExpiredSessions()} really removes expired sessions and reports them.
 *
 * <p><b>Atomic delta merge</b> ({@link #applyDelta}): a request's changed attributes are merged into the stored
 * session under the entry's page lock ({@link FastMmap#getAndSet}), so concurrent requests from any process that
 * change different attributes all survive, per attribute the last writer wins, and a session deleted meanwhile is
 * never recreated. Attribute values are serialized before the lock is taken; the merge only moves bytes.
 *
 * <p><b>Principal index</b> ({@link #findByPrincipalName}): an index entry per user lists session ids (up to a
 * quarter page of them; a user with more sessions gets further entries, {@code p1:NAME}, {@code p2:NAME}...).
 * Session and index live in different entries (different pages), so they cannot change in one step; instead the
 * index is kept a <em>superset</em>: an id is added before the session names the user and removed only after it no
 * longer does, and every lookup checks each listed session and prunes ids that are gone. A crash between the steps,
 * or LRU evicting an index entry, can leave a stale id (pruned on lookup) or drop an index entry (re-added on that
 * user's next request); a lookup never returns a session that is not the user's.
 *
 * <p><b>Eviction.</b> The file is a bounded LRU per page. Sessions with a principal and the principal index are
 * stored in {@link EvictionClass#PROTECTED}, anonymous sessions as ordinary entries, so a flood of anonymous
 * sessions evicts other anonymous sessions and never a logged-in user's while those fit in the file
 * ({@link #loggedInEvictionCount()}, {@link #anonymousEvictionCount()}).
 *
 * <p><b>Session ids</b> are checked ({@link SessionIds}) before the file is touched and are used only inside keys.
 *
 * <p>Thread-safe; open one store per file per process and share it.
 */
public final class SessionStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SessionStore.class.getName());
    private static final byte[] SESSION_PREFIX = "s:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INDEX_PREFIX = "p:".getBytes(StandardCharsets.US_ASCII);
    /** Longer principal names are indexed under a digest so the key stays small. */
    private static final int MAX_PLAIN_PRINCIPAL_BYTES = 256;
    private static final long UNREADABLE_WARNING_NANOS = 60_000_000_000L;
    /** A user's index takes at most this many entries (each up to a page of session ids). */
    private static final int MAX_INDEX_CHUNKS = 64;

    private final SessionStoreConfig config;
    private final FastMmap cache;
    private final CacheFileInfo fileInfo;
    private final AttributeSerializer serializer;
    private final EvictionMonitor evictions;
    private final SessionEventLog events;
    private final DecodedSessions decoded;
    private volatile boolean warnedAboutLimit;
    /** Sessions this store created, deleted on request, and removed as expired (this process only). */
    private final LongAdder createdCount = new LongAdder();
    private final LongAdder deletedCount = new LongAdder();
    private final LongAdder expiredCount = new LongAdder();
    private volatile long lastUnreadableWarning;

    private SessionStore(SessionStoreConfig config, FastMmap cache, CacheFileInfo fileInfo) {
        this.config = config;
        this.cache = cache;
        this.fileInfo = fileInfo;
        this.serializer = config.serializer();
        this.evictions = new EvictionMonitor(cache, config, fileInfo);
        this.events = new SessionEventLog(cache, config);
        this.decoded = new DecodedSessions(config.decodedCacheSize(), config.decodedCacheBytes());
    }

    /**
     * Opens (or creates) the session file. Missing parent directories are created with mode 0700. A file of another
     * cache or page size has its live sessions carried over to a new file of the configured sizes when no other
     * process has it open; while one does, this fails with an {@link io.fastmmap.IncompatibleCacheFileException}
     * that says to stop the instances of the old size first.
     *
     * @param config where and how
     * @return the store
     * @throws io.fastmmap.FastMmapException when the file cannot be opened, naming it and the fix
     */
    public static SessionStore open(SessionStoreConfig config) {
        createPrivateDirectories(config.file().getParent());
        FastMmap cache = config.cacheBuilder().build();
        try {
            // The geometry the file really has, for messages and callers: the header of the file just opened.
            return new SessionStore(config, cache, CacheFileInfo.read(config.file()));
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    private static void createPrivateDirectories(Path dir) {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        createPrivateDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another process created it first
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the session directory " + dir + ": " + e.getMessage()
                    + "; create it (mode 0700) or set the session file (storage) elsewhere", e);
        }
    }

    /** @return the configuration this store was opened with */
    public SessionStoreConfig config() {
        return config;
    }

    /**
     * @return the session file as this store opened it: page size (the largest session), page count and cache
     *     size, the values {@link SessionStoreConfig.Builder#cache} set or their defaults
     */
    public CacheFileInfo fileInfo() {
        return fileInfo;
    }

    /**
     * @param id a session id
     * @return the session, or null when absent, expired or unreadable
     * @throws InvalidSessionIdException before touching the file when the id is malformed
     */
    public SessionData getSessionData(String id) {
        DecodedSessions.Entry known = decoded.entry(id);
        byte[] key = keyOf(id, known);
        byte[] bytes = cache.get(key);
        SessionRecord record = decodeLive(bytes, id, key, known, clockMillis());
        return record == null ? null : readable(id, record);
    }

    /**
     * Stores a whole session, replacing what was there (Catalyst's {@code store_session_data}). Prefer
     * {@link #applyDelta} when concurrent requests may change the same session.
     *
     * @param id a session id
     * @param data the session
     * @throws SessionTooLargeException when the session cannot fit in one page; the old contents stay
     */
    public void storeSessionData(String id, SessionData data) {
        byte[] key = sessionKey(id);
        SessionRecord record = toRecord(data);
        byte[] bytes = record.bytes();
        if (record.principalName != null) {
            indexAdd(record.principalName, id);
        }
        String[] old = new String[1];
        boolean[] created = new boolean[1];
        write(id, key, current -> {
            SessionRecord previous = decodeQuietly(current, id);
            old[0] = previous == null ? null : previous.principalName;
            created[0] = previous == null;
            return bytes;
        }, bytes.length, clockMillis());
        if (created[0]) {
            createdCount.increment();
        }
        decoded.put(id, key, record);
        if (old[0] != null && !old[0].equals(record.principalName)) {
            indexRemove(old[0], id);
        }
    }

    /**
     * Removes a session.
     *
     * @param id a session id
     * @return true when a session (live or expired) was removed
     */
    public boolean deleteSessionData(String id) {
        byte[] old = cache.getAndRemove(sessionKey(id));
        decoded.remove(id);
        SessionRecord record = decodeQuietly(old, id);
        if (record != null && record.principalName != null) {
            indexRemove(record.principalName, id);
        }
        if (record != null) {
            events.append(SessionEvent.Kind.DELETED, id, record);
        }
        if (old != null) {
            deletedCount.increment();
        }
        return old != null;
    }

    /**
     * Atomically replaces a session with what {@code update} makes of it (Catalyst's {@code get_and_set_session_data}).
     * The entry's page stays locked while {@code update} runs and attributes are deserialized and serialized inside
     * that lock, so keep it short; {@link #applyDelta} holds the lock only to move bytes.
     *
     * @param id a session id
     * @param update sees the live session or null, returns the new session or null to delete it
     * @return the session stored afterwards, or null
     */
    public SessionData getAndSetSessionData(String id, UnaryOperator<SessionData> update) {
        byte[] key = sessionKey(id);
        long now = clockMillis();
        SessionData[] result = new SessionData[1];
        String[] principals = new String[2];
        boolean[] created = new boolean[1];
        write(id, key, current -> {
            SessionRecord previous = decodeLive(current, id, key, null, now);
            principals[0] = previous == null ? null : previous.principalName;
            SessionData next = update.apply(previous == null ? null : toData(id, previous, false));
            result[0] = next;
            created[0] = previous == null && next != null;
            if (next == null) {
                return null;
            }
            SessionRecord record = toRecord(next);
            principals[1] = record.principalName;
            return record.bytes();
        }, -1, now);
        if (created[0]) {
            createdCount.increment();
        }
        reindex(id, principals[0], principals[1]);
        return result[0];
    }

    /**
     * Merges one request's changes into the stored session, atomically with respect to every thread and process:
     * only the attributes named in the delta change, the last access moves forward, and a session that no longer
     * exists is left absent unless the delta creates it ({@link SessionDelta.Builder#createdAt}).
     *
     * @param id a session id
     * @param delta the changes
     * @return true when the session exists after the merge; false when it was gone (deleted or expired)
     * @throws SessionTooLargeException when the merged session cannot fit in one page; the old contents stay
     * @throws SessionSerializationException when a changed attribute cannot be serialized; nothing is changed
     */
    public boolean applyDelta(String id, SessionDelta delta) {
        DecodedSessions.Entry known = decoded.entry(id);
        byte[] key = keyOf(id, known);
        long now = clockMillis();
        SessionChanges changes = changes(delta, now);
        if (delta.principalChanged() && delta.principalName() != null) {
            indexAdd(delta.principalName(), id);
        }
        Merge merge = new Merge(id, key, known, delta.createdAt(), changes, now);
        write(id, key, merge, -1, now);
        if (merge.merged == null) {
            return false;
        }
        if (merge.created) {
            createdCount.increment();
        }
        // The next request of this session most likely finds exactly these bytes: it need not decode them.
        decoded.put(id, key, merge.merged);
        reindex(id, merge.principalBefore, merge.merged.principalName);
        return true;
    }

    /** applyDelta's update under the page lock; what it saw is kept for the index update after the lock. */
    private final class Merge implements UnaryOperator<byte[]> {
        private final String id;
        private final byte[] key;
        /** What this JVM knew of the session before the lock: usually what the lock finds. */
        private final DecodedSessions.Entry known;
        private final Instant createdAt;
        private final SessionChanges changes;
        private final long nowMillis;
        SessionRecord merged;
        String principalBefore;
        boolean created;

        Merge(String id, byte[] key, DecodedSessions.Entry known, Instant createdAt, SessionChanges changes,
                long nowMillis) {
            this.id = id;
            this.key = key;
            this.known = known;
            this.createdAt = createdAt;
            this.changes = changes;
            this.nowMillis = nowMillis;
        }

        @Override
        public byte[] apply(byte[] current) {
            merged = null;
            SessionRecord record = decodeLive(current, id, key, known, nowMillis);
            created = record == null;
            if (record == null) {
                if (createdAt == null) {
                    return current;
                }
                record = newRecord(createdAt, nowMillis);
            }
            principalBefore = record.principalName;
            merged = record.merge(changes);
            return merged.bytes();
        }
    }

    /**
     * Moves a session to a new id (session fixation protection at login), applying {@code delta} on the way. A
     * request still writing to the old id afterwards finds it gone and does not recreate it. Crash-safe: the new entry
     * is written before the old one is removed, so a crash in between leaves both (the old one expires) and never
     * neither.
     *
     * @param oldId the current id
     * @param newId the new id, not in use
     * @param delta changes to apply as well
     * @return true when the session now lives under {@code newId}; false when the old session was gone
     * @throws IllegalStateException when {@code newId} is already in use
     */
    public boolean changeSessionId(String oldId, String newId, SessionDelta delta) {
        byte[] oldKey = sessionKey(oldId);
        byte[] newKey = sessionKey(newId);
        long now = clockMillis();
        SessionChanges changes = changes(delta, now);
        byte[] snapshot = cache.get(oldKey);
        SessionRecord record = decodeLive(snapshot, oldId, oldKey, null, now);
        if (record == null) {
            if (delta.createdAt() == null) {
                return false;
            }
            record = newRecord(delta.createdAt(), now);
        }
        String oldPrincipal = record.principalName;
        SessionRecord movedRecord = record.merge(changes);
        String movedPrincipal = movedRecord.principalName;
        if (movedPrincipal != null) {
            indexAdd(movedPrincipal, newId);
        }
        byte[] moved = movedRecord.bytes();
        boolean[] taken = new boolean[1];
        write(newId, newKey, current -> {
            taken[0] = current != null;
            return taken[0] ? current : moved;
        }, moved.length, now);
        if (taken[0]) {
            throw new IllegalStateException("cannot change session id " + oldId + " to " + newId + ": a session with"
                    + " the new id exists already; generate another id");
        }
        byte[] latest = cache.getAndRemove(oldKey);
        decoded.remove(oldId);
        SessionRecord latestRecord = decodeLive(latest, oldId, oldKey, null, now);
        if (latestRecord == null && snapshot != null) {
            // Deleted (logged out) while we copied it: the copy must not outlive it.
            cache.remove(newKey);
            if (movedPrincipal != null) {
                indexRemove(movedPrincipal, newId);
            }
            return false;
        }
        if (latestRecord != null && !Arrays.equals(latest, snapshot)) {
            // A concurrent request changed the old entry after our snapshot: carry its state over, with our delta.
            byte[] merged = latestRecord.merge(changes).bytes();
            write(newId, newKey, current -> current == null ? null : merged, merged.length, now);
            oldPrincipal = latestRecord.principalName;
        }
        if (oldPrincipal != null) {
            indexRemove(oldPrincipal, oldId);
        }
        return true;
    }

    /**
     * Removes every expired session from the file (the Perl store's version of this was a no-op) and reports each,
     * so callers can fire expiry events. Sessions expired longer than {@link SessionStoreConfig#expiredRetention()}
     * ago may already have been dropped by the file itself and are then not reported. Also frees the space of
     * expired entries of any kind ({@link FastMmap#purge()}).
     *
     * @return the sessions removed, with their last contents (attributes that cannot be read are left out)
     */
    public List<ExpiredSession> deleteExpiredSessions() {
        long now = clockMillis();
        List<ExpiredSession> removed = new ArrayList<>();
        for (CacheEntry entry : cache.entriesWithValues()) {
            byte[] key = entry.key();
            if (!startsWith(key, SESSION_PREFIX)) {
                continue;
            }
            String id = new String(key, SESSION_PREFIX.length, key.length - SESSION_PREFIX.length,
                    StandardCharsets.US_ASCII);
            SessionRecord seen = decodeQuietly(entry.value(), id);
            if (seen != null && !seen.isExpired(now)) {
                continue;
            }
            SessionRecord[] gone = new SessionRecord[1];
            boolean[] corrupt = new boolean[1];
            cache.getAndSet(key, current -> {
                if (current == null) {
                    return null;
                }
                SessionRecord record = decodeQuietly(current, id);
                if (record != null && !record.isExpired(now)) {
                    return current; // refreshed by a request since we looked
                }
                gone[0] = record;
                corrupt[0] = record == null;
                return null;
            });
            decoded.remove(id);
            if (gone[0] != null) {
                if (gone[0].principalName != null) {
                    indexRemove(gone[0].principalName, id);
                }
                events.append(SessionEvent.Kind.EXPIRED, id, gone[0]);
                removed.add(new ExpiredSession(id, toData(id, gone[0], true)));
            } else if (corrupt[0]) {
                LOG.log(Level.WARNING, "removed unreadable session entry " + id + " from " + config.file());
            }
        }
        cache.purge();
        expiredCount.add(removed.size());
        return removed;
    }

    /**
     * The sessions that <em>other</em> stores on the file (in this or other processes) deleted
     * ({@link #deleteSessionData}) or removed as expired ({@link #deleteExpiredSessions}) since the last call (or
     * since this store opened), in the order they did it; this store's own deletions are left out, as their caller
     * already knows them. Each is reported once to each store. Cheap when nothing happened (one read of one entry):
     * call it on a schedule, e.g. every second (the Spring repository's event relay does).
     *
     * <p>The events travel through a bounded ring in the file ({@value SessionEventLog#RING_SIZE} entries, each kept
     * for 5 minutes): a store that does not poll for longer, or that falls more than that many events behind, misses
     * the oldest ones, with a WARN.
     *
     * @return the events, oldest first; each with the session's last contents (attributes that cannot be read are
     *     left out)
     */
    public List<SessionEvent> pollEvents() {
        List<SessionEvent> found = new ArrayList<>();
        for (SessionEventLog.Entry entry : events.poll()) {
            SessionRecord record = decodeQuietly(entry.record(), entry.id());
            if (record != null) {
                found.add(new SessionEvent(entry.kind(), entry.id(), toData(entry.id(), record, true)));
            }
        }
        return found;
    }

    /**
     * @param principalName a user name
     * @return the user's live sessions by id
     */
    public Map<String, SessionData> findByPrincipalName(String principalName) {
        Objects.requireNonNull(principalName, "principalName");
        byte[] indexKey = indexKey(principalName);
        List<String> ids = indexedIds(indexKey);
        Map<String, SessionData> found = new LinkedHashMap<>();
        List<String> stale = new ArrayList<>();
        long now = clockMillis();
        for (String id : ids) {
            if (!SessionIds.isValid(id)) {
                stale.add(id);
                continue;
            }
            byte[] key = sessionKey(id);
            SessionRecord record = decodeLive(cache.get(key), id, key, null, now);
            if (record == null || !principalName.equals(record.principalName)) {
                stale.add(id);
            } else {
                SessionData data = readable(id, record);
                if (data != null) {
                    found.put(id, data);
                }
            }
        }
        if (!stale.isEmpty()) {
            updateIndex(indexKey, list -> list.removeAll(stale));
        }
        return found;
    }

    /**
     * @return live sessions evicted from the file to make room since this store opened it (counted across all
     *     processes sharing the file); each is a user who lost a session early: raise the cache size when this grows
     */
    public long liveSessionEvictionCount() {
        return evictions.evictedSinceOpen();
    }

    /**
     * @return of {@link #liveSessionEvictionCount()}, sessions of logged-in users (those with a principal) and
     *     principal index entries: evicted only when their page held no anonymous session, so each one means the
     *     logged-in sessions alone outgrew the file. Raise the cache size when this grows.
     */
    public long loggedInEvictionCount() {
        return evictions.protectedEvictedSinceOpen();
    }

    /**
     * @return of {@link #liveSessionEvictionCount()}, anonymous sessions (no principal): the sign of sessions
     *     created for every cookieless request; see docs/session.md, "Floods of anonymous sessions"
     */
    public long anonymousEvictionCount() {
        return liveSessionEvictionCount() - loggedInEvictionCount();
    }

    /**
     * Counts the live sessions in the file by reading every page (one lock at a time, as {@link FastMmap#entries}
     * does), so it costs a walk of the file: call it for a metrics scrape, not per request.
     *
     * @return sessions in the file that have not expired, stored by any process
     */
    public long liveSessionCount() {
        long now = clockMillis();
        long live = 0;
        for (CacheEntry entry : cache.entriesWithValues()) {
            if (!startsWith(entry.key(), SESSION_PREFIX)) {
                continue;
            }
            try {
                live += SessionRecord.decode(entry.value(), "session").isExpired(now) ? 0 : 1;
            } catch (SessionRecord.CorruptSessionException unreadable) {
                // not a live session: reads of it say so, with its id
            }
        }
        return live;
    }

    /** @return sessions this store created (a first write of an id that held none), in this process */
    public long createdSessionCount() {
        return createdCount.sum();
    }

    /** @return sessions this store deleted on request ({@link #deleteSessionData}), in this process */
    public long deletedSessionCount() {
        return deletedCount.sum();
    }

    /** @return expired sessions this store removed ({@link #deleteExpiredSessions}), in this process */
    public long expiredSessionCount() {
        return expiredCount.sum();
    }

    /**
     * @param id a session id
     * @return the largest serialized session (all attributes with names and metadata) that fits under this id
     */
    public int maxSessionByteCount(String id) {
        return cache.maxValueByteCount(sessionKey(id).length);
    }

    /** @return how many sessions' decoded form this process holds now (for tests of the bound) */
    int decodedSessionCount() {
        decoded.cleanUp();
        return decoded.size();
    }

    /** @return the stored bytes of those sessions */
    long decodedSessionBytes() {
        decoded.cleanUp();
        return decoded.byteCount();
    }

    /** @return the underlying file, for statistics and diagnostics */
    public FastMmap cache() {
        return cache;
    }

    /** Closes the file (deleting it when so configured and no other process has it open). */
    @Override
    public void close() {
        cache.close();
    }

    @Override
    public String toString() {
        return "SessionStore[" + config.file() + "]";
    }

    // ---- merging ----

    /** Serializes the delta's values before any page lock is taken; the merge then only moves bytes. */
    private SessionChanges changes(SessionDelta delta, long nowMillis) {
        long accessed = delta.lastAccessedAt() == null ? nowMillis : delta.lastAccessedAt().toEpochMilli();
        long maxInactive = delta.maxInactiveInterval() == null ? -1 : limit(delta.maxInactiveInterval()).toMillis();
        return new SessionChanges(delta, serializer, accessed, maxInactive);
    }

    private SessionRecord newRecord(Instant createdAt, long nowMillis) {
        return SessionRecord.of(createdAt.toEpochMilli(), nowMillis, config.defaultMaxInactiveInterval().toMillis(),
                null, Map.of());
    }

    private Duration limit(Duration interval) {
        Duration max = config.maxInactiveIntervalLimit();
        if (interval.compareTo(max) <= 0) {
            return interval;
        }
        if (!warnedAboutLimit) {
            warnedAboutLimit = true;
            LOG.log(Level.WARNING, "a session asked for max inactive interval " + interval + ", above the limit "
                    + max + " of " + config.file() + "; it gets " + max + ". Raise max-inactive-interval-limit"
                    + " (fastmmap.session.max-inactive-interval-limit) if sessions should live longer.");
        }
        return max;
    }

    /** @return the key the decoded-cache entry keeps (its id was checked when put), else the id checked and keyed */
    private byte[] keyOf(String id, DecodedSessions.Entry known) {
        return known != null ? known.key() : sessionKey(id);
    }

    /**
     * @param byteCount the serialized session's size when known, else -1 (taken from the engine's error)
     * @param nowMillis the caller's clock reading, reused by the eviction check (at most one check a second)
     */
    private void write(String id, byte[] key, UnaryOperator<byte[]> update, int byteCount, long nowMillis) {
        try {
            cache.getAndSet(key, update, SessionStore::evictionClassOf);
        } catch (ValueTooLargeException e) {
            long size = byteCount >= 0 ? byteCount : e.entryByteCount() - key.length;
            throw new SessionTooLargeException("session " + id + " needs " + size + " bytes serialized, but one"
                    + " session may take at most " + maxSessionByteCount(id) + " bytes in " + config.file()
                    + " (page size " + fileInfo.pageSizeBytes() + " bytes); store less in the session or raise"
                    + " page-size (fastmmap.session.page-size). The session keeps its previous contents.", size,
                    maxSessionByteCount(id), e);
        }
        evictions.maybeCheck(nowMillis);
    }

    /**
     * Logged-in users' sessions outlive anonymous ones: a flood of cookieless requests, each creating a session,
     * evicts other anonymous sessions first (docs/session.md, "Floods of anonymous sessions").
     */
    private static EvictionClass evictionClassOf(byte[] record) {
        return SessionRecord.hasPrincipal(record) ? EvictionClass.PROTECTED : EvictionClass.ORDINARY;
    }

    // ---- index ----

    private void reindex(String id, String before, String after) {
        if (after != null) {
            indexAdd(after, id); // adds when the index entry was evicted or the principal is new; else a no-op
        }
        if (before != null && !before.equals(after)) {
            indexRemove(before, id);
        }
    }

    /**
     * Adds the id to the first chunk of the user's index that has it or room for it. One chunk holds up to a quarter
     * of a page; a user with more sessions gets further chunks, found by {@link #chunkKey} until the first absent one.
     */
    private void indexAdd(String principalName, String id) {
        byte[] base = indexKey(principalName);
        for (int n = 0; n < MAX_INDEX_CHUNKS; n++) {
            byte[] key = chunkKey(base, n);
            // a quarter page: a chunk shares its page with sessions instead of pushing them (or itself) out
            int room = cache.maxValueByteCount(key.length) / 4;
            boolean[] done = new boolean[1];
            cache.getAndSet(key, current -> {
                List<String> ids = parseIds(current);
                if (ids.contains(id)) {
                    done[0] = true;
                    return current;
                }
                ids.add(id);
                byte[] added = joinIds(ids);
                if (added.length > room) {
                    return current; // full: the next chunk
                }
                done[0] = true;
                return added;
            }, ids -> EvictionClass.PROTECTED); // it lists logged-in users' sessions, which are protected too
            if (done[0]) {
                return;
            }
        }
        LOG.log(Level.WARNING, "the principal index of one user in " + config.file() + " is full ("
                + MAX_INDEX_CHUNKS + " quarter pages of session ids); findByPrincipalName may miss sessions. Raise"
                + " page-size or limit concurrent sessions per user.");
    }

    private void indexRemove(String principalName, String id) {
        updateIndex(indexKey(principalName), ids -> ids.remove(id));
    }

    /**
     * Applies {@code change} to every chunk of a user's index. A later chunk that becomes empty stays (empty), so the
     * chunks after it stay reachable; the first one is removed.
     */
    private void updateIndex(byte[] base, java.util.function.Consumer<List<String>> change) {
        for (int n = 0; n < MAX_INDEX_CHUNKS; n++) {
            boolean first = n == 0;
            boolean[] present = new boolean[1];
            cache.getAndSet(chunkKey(base, n), current -> {
                present[0] = current != null;
                List<String> ids = parseIds(current);
                List<String> before = List.copyOf(ids);
                change.accept(ids);
                if (ids.equals(before)) {
                    return current;
                }
                return ids.isEmpty() ? (first ? null : new byte[0]) : joinIds(ids);
            }, ids -> EvictionClass.PROTECTED); // it lists logged-in users' sessions, which are protected too
            if (!present[0] && !first) {
                return;
            }
        }
    }

    /** @return the ids listed by every chunk of the user's index */
    private List<String> indexedIds(byte[] base) {
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < MAX_INDEX_CHUNKS; n++) {
            byte[] chunk = cache.get(chunkKey(base, n));
            if (chunk == null && n > 0) {
                break;
            }
            for (String id : parseIds(chunk)) {
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Chunk 0 is the index key itself ({@code p:NAME}), chunk n inserts n after the 'p' ({@code p1:NAME}). */
    private static byte[] chunkKey(byte[] base, int n) {
        if (n == 0) {
            return base;
        }
        byte[] digits = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[base.length + digits.length];
        key[0] = base[0];
        System.arraycopy(digits, 0, key, 1, digits.length);
        System.arraycopy(base, 1, key, 1 + digits.length, base.length - 1);
        return key;
    }

    private static byte[] joinIds(List<String> ids) {
        return String.join("\n", ids).getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> parseIds(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new ArrayList<>();
        }
        return new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.US_ASCII).split("\n")));
    }

    // ---- keys and records ----

    private static byte[] sessionKey(String id) {
        return concat(SESSION_PREFIX, SessionIds.requireValidAscii(id));
    }

    private static byte[] indexKey(String principalName) {
        byte[] name = principalName.getBytes(StandardCharsets.UTF_8);
        if (name.length <= MAX_PLAIN_PRINCIPAL_BYTES) {
            return concat(INDEX_PREFIX, name);
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(name);
            return concat("p#".getBytes(StandardCharsets.US_ASCII), digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private long clockMillis() {
        return config.clock().millis();
    }

    /**
     * Decodes through {@link DecodedSessions}: bytes this process decoded or wrote last are not decoded again.
     *
     * @param known what the cache held for {@code id} when the caller looked, or null to look now
     */
    private SessionRecord decodeLive(byte[] bytes, String id, byte[] key, DecodedSessions.Entry known,
            long nowMillis) {
        if (bytes == null) {
            return null;
        }
        SessionRecord record = DecodedSessions.matching(known, bytes);
        if (record == null) {
            record = decoded.find(id, bytes); // another thread of this JVM may have put these bytes meanwhile
        }
        if (record == null) {
            record = decodeQuietly(bytes, id);
            if (record != null) {
                decoded.put(id, key, record);
            }
        }
        return record == null || record.isExpired(nowMillis) ? null : record;
    }

    private SessionRecord decodeQuietly(byte[] bytes, String id) {
        if (bytes == null) {
            return null;
        }
        try {
            return SessionRecord.decode(bytes, "session " + id);
        } catch (SessionRecord.CorruptSessionException e) {
            LOG.log(Level.WARNING, "treating session " + id + " in " + config.file() + " as absent: "
                    + e.getMessage());
            return null;
        }
    }

    /**
     * A session whose attributes cannot be deserialized here (a class the allow-list refuses, a class this process
     * cannot load) is treated as absent, so its visitor gets a new session instead of an error on every request. Its
     * entry stays for processes that can read it, and expires as usual.
     */
    private SessionData readable(String id, SessionRecord record) {
        try {
            return toData(id, record, false);
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            boolean warn = now - lastUnreadableWarning > UNREADABLE_WARNING_NANOS || lastUnreadableWarning == 0;
            if (warn) {
                lastUnreadableWarning = now;
            }
            LOG.log(warn ? Level.WARNING : Level.DEBUG, "treating session " + id + " in " + config.file()
                    + " as absent, as it cannot be read here: " + e.getMessage()
                    + (warn ? " (further such warnings within a minute are logged at DEBUG)" : ""));
            return null;
        }
    }

    private SessionRecord toRecord(SessionData data) {
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : data.attributes().entrySet()) {
            attributes.put(e.getKey(), serializer.serialize(e.getKey(), e.getValue()));
        }
        return SessionRecord.of(data.createdAt().toEpochMilli(), data.lastAccessedAt().toEpochMilli(),
                limit(data.maxInactiveInterval()).toMillis(), data.principalName(), attributes);
    }

    /**
     * Deserializes a record's attributes, reusing what an earlier request got from the same record: immutable values
     * (and, when all are, the whole session) as they are, lists and maps of them as copies. Other values (Java
     * objects) are deserialized anew for every request: no two requests ever share an object one could change.
     *
     * @param lenient leave out attributes that cannot be read (for expired sessions) instead of failing
     */
    private SessionData toData(String id, SessionRecord record, boolean lenient) {
        SessionData shared = record.sharedData();
        if (shared != null) {
            return shared;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(Math.max(4, record.attributeCount() * 2));
        boolean allShared = true;
        for (int i = 0; i < record.attributeCount(); i++) {
            Object value = record.knownValue(i);
            boolean shareable = SessionRecord.isShareable(value);
            if (value == null) {
                try {
                    value = serializer.deserialize(record.name(i), record.value(i));
                } catch (RuntimeException e) {
                    if (!lenient) {
                        throw e;
                    }
                    LOG.log(Level.DEBUG, "expired session " + id + ": attribute " + record.name(i) + " unreadable: "
                            + e);
                    allShared = false;
                    continue;
                }
                shareable = value != null && record.remember(i, value);
            }
            allShared &= shareable;
            attributes.put(record.name(i), value);
        }
        SessionData data = dataOf(record, attributes);
        if (allShared) {
            record.shareData(data);
        }
        return data;
    }

    private static SessionData dataOf(SessionRecord record, Map<String, Object> attributes) {
        return SessionData.of(Instant.ofEpochMilli(record.createdMillis),
                Instant.ofEpochMilli(record.lastAccessedMillis), Duration.ofMillis(record.maxInactiveMillis),
                record.principalName, attributes);
    }

    /**
     * A session removed by {@link #deleteExpiredSessions()}.
     *
     * @param id its id
     * @param data its last contents
     */
    public record ExpiredSession(String id, SessionData data) {
    }

    /**
     * A session another store on the file deleted or removed as expired ({@link #pollEvents()}).
     *
     * @param kind what happened to it
     * @param id its id
     * @param data its last contents
     */
    public record SessionEvent(Kind kind, String id, SessionData data) {
        /** What happened to a session. */
        public enum Kind {
            /** removed on request ({@link SessionStore#deleteSessionData}: a logout, an invalidated session) */
            DELETED,
            /** removed because it had expired ({@link SessionStore#deleteExpiredSessions}) */
            EXPIRED
        }
    }
}
