package io.fastmmap.jetty;

import io.fastmmap.CacheEntry;
import io.fastmmap.FastMmap;
import io.fastmmap.ValueTooLargeException;
import io.fastmmap.session.AttributeSerializer;
import io.fastmmap.session.SessionTooLargeException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty {@code SessionDataStore} keeping each session as one entry of a fastmmap file that every JVM on the host
 * may map: a session saved by one process is loaded by the next request in any other. Create it through
 * {@link FastMmapSessionDataStoreFactory} (as a server bean it serves every context).
 *
 * <p><b>Saves merge.</b> A save writes only the attributes this request changed (found by comparing serialized
 * bytes with those the session was loaded with, so objects changed in place count too) into the stored session,
 * under the entry's page lock: two concurrent requests of one session, in any processes, that change different
 * attributes both survive; per attribute the last save wins. Jetty's own stores write the whole session instead,
 * so the later save silently drops the earlier one's changes.
 *
 * <p><b>No resurrection.</b> A save of a session that was saved before but is no longer in the file (invalidated,
 * expired and scavenged, or evicted by another process) is dropped instead of bringing the session back.
 *
 * <p><b>Attributes</b> are serialized by fastmmap-session's {@link AttributeSerializer}: plain values as JSON,
 * other classes with Java serialization only when allowed by class pattern
 * ({@link FastMmapSessionDataStoreFactory#setJavaAllowedClasses}). A session too large for one page is refused with
 * {@link SessionTooLargeException} and keeps its previous contents.
 *
 * <p><b>Ids</b> that Jetty could not have generated (see {@link SessionKeys}) name no session: loading one gives
 * null, so a forged or foreign cookie gets a fresh session.
 */
public class FastMmapSessionDataStore extends AbstractSessionDataStore {
    private static final Logger LOG = LoggerFactory.getLogger(FastMmapSessionDataStore.class);

    private final SharedFile file;
    private final AttributeSerializer serializer;
    private volatile FastMmap cache;
    private byte[] contextPrefix;

    FastMmapSessionDataStore(SharedFile file, AttributeSerializer serializer) {
        this.file = Objects.requireNonNull(file, "file");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    @Override
    public void initialize(SessionContext context) throws Exception {
        super.initialize(context);
        contextPrefix = SessionKeys.contextPrefix(context.getCanonicalContextPath(), context.getVhost());
    }

    @Override
    protected void doStart() throws Exception {
        cache = file.acquire();
        try {
            super.doStart();
        } catch (Exception | Error e) {
            releaseFile();
            throw e;
        }
    }

    @Override
    protected void doStop() throws Exception {
        try {
            super.doStop();
        } finally {
            releaseFile();
        }
    }

    private void releaseFile() {
        if (cache != null) {
            cache = null;
            file.release();
        }
    }

    /** Sessions are serialized, so Jetty calls activation listeners around loads and saves. */
    @Override
    public boolean isPassivating() {
        return true;
    }

    @Override
    public SessionData newSessionData(String id, long created, long accessed, long lastAccessed,
            long maxInactiveMs) {
        return new FastMmapSessionData(id, _context.getCanonicalContextPath(), _context.getVhost(), created, accessed,
                lastAccessed, maxInactiveMs);
    }

    @Override
    public SessionData doLoad(String id) throws Exception {
        if (!SessionKeys.isValidId(id)) {
            return null;
        }
        byte[] bytes = cache.get(SessionKeys.key(contextPrefix, id));
        if (bytes == null) {
            return null;
        }
        try {
            StoredSession stored = StoredSession.decode(bytes);
            FastMmapSessionData data = new FastMmapSessionData(id, _context.getCanonicalContextPath(),
                    _context.getVhost(), stored.created, stored.accessed, stored.lastAccessed, stored.maxInactiveMs);
            data.setCookieSet(stored.cookieSet);
            data.setExpiry(stored.expiry);
            data.setLastNode(stored.lastNode);
            data.setLastSaved(stored.lastSaved);
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> e : stored.attributes.entrySet()) {
                // Runs under the webapp's class loader (AbstractSessionDataStore.load), which Java serialization uses.
                values.put(e.getKey(), serializer.deserialize(e.getKey(), e.getValue()));
            }
            data.putAllAttributes(values);
            data.synced(stored.attributes);
            data.clean();
            return data;
        } catch (RuntimeException e) {
            throw new UnreadableSessionDataException(id, _context, new IllegalStateException("session " + id
                    + " of context " + _context.getCanonicalContextPath() + " in " + file.file()
                    + " cannot be read: " + e.getMessage(), e));
        }
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        if (!SessionKeys.isValidId(id)) {
            throw new IllegalArgumentException("session id \"" + abbreviate(id) + "\" cannot be stored in "
                    + file.file() + ": ids must have 1 to " + SessionKeys.MAX_ID_LENGTH
                    + " characters from [A-Za-z0-9_.-] (set a worker name of such characters)");
        }
        byte[] key = SessionKeys.key(contextPrefix, id);
        Map<String, byte[]> attributes = serialize(data); // before the lock: the merge only moves bytes
        StoredSession mine = StoredSession.of(data, attributes);
        byte[] whole = mine.encode();
        Map<String, byte[]> synced = data instanceof FastMmapSessionData ours ? ours.synced() : null;
        // Never saved (a new session, or one Jetty gave a new id): write it whole. Else merge into what is stored.
        UnaryOperator<byte[]> update = lastSaveTime <= 0 ? current -> whole : current -> merge(current, data, mine,
                whole, synced);
        byte[] after;
        try {
            after = cache.getAndSet(key, update);
        } catch (ValueTooLargeException e) {
            long size = e.entryByteCount() - key.length;
            int max = cache.maxValueByteCount(key.length);
            throw new SessionTooLargeException("session " + id + " of context " + _context.getCanonicalContextPath()
                    + " needs about " + size + " bytes serialized, but one session may take at most " + max
                    + " bytes in " + file.file() + " (page size " + file.pageSizeBytes() + " bytes); store less in"
                    + " the session or raise the page size (FastMmapSessionDataStoreFactory.setPageSize,"
                    + " jetty.session.fastmmap.pageSize). The session keeps its previous contents.", size, max, e);
        }
        if (after == null) {
            LOG.debug("session {} of context {} is no longer in {} (invalidated or expired meanwhile): not saved",
                    id, _context.getCanonicalContextPath(), file.file());
        }
        if (data instanceof FastMmapSessionData ours) {
            ours.synced(attributes);
        }
    }

    /** Runs under the page lock: merges this save's changes into the stored session, or leaves a vanished one gone. */
    private static byte[] merge(byte[] current, SessionData data, StoredSession mine, byte[] whole,
            Map<String, byte[]> synced) {
        if (current == null) {
            return null;
        }
        if (synced == null) {
            return whole; // a copy this store never loaded or saved: nothing to compare with
        }
        StoredSession stored;
        try {
            stored = StoredSession.decode(current);
        } catch (StoredSession.CorruptException e) {
            return whole;
        }
        for (Map.Entry<String, byte[]> e : mine.attributes.entrySet()) {
            if (!Arrays.equals(e.getValue(), synced.get(e.getKey()))) {
                stored.attributes.put(e.getKey(), e.getValue());
            }
        }
        for (String name : synced.keySet()) {
            if (!mine.attributes.containsKey(name)) {
                stored.attributes.remove(name);
            }
        }
        boolean storedIsNewer = stored.accessed > mine.accessed;
        long accessed = storedIsNewer ? stored.accessed : mine.accessed;
        long lastAccessed = storedIsNewer ? stored.lastAccessed : mine.lastAccessed;
        long expiry = storedIsNewer ? stored.expiry : mine.expiry;
        StoredSession out = StoredSession.of(data, stored.attributes);
        out.accessed = accessed;
        out.lastAccessed = lastAccessed;
        out.expiry = expiry;
        return out.encode();
    }

    private Map<String, byte[]> serialize(SessionData data) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : data.getKeys()) {
            Object value = data.getAttribute(name);
            if (value != null) {
                out.put(name, serializer.serialize(name, value));
            }
        }
        return out;
    }

    @Override
    public boolean delete(String id) throws Exception {
        return SessionKeys.isValidId(id) && cache.getAndRemove(SessionKeys.key(contextPrefix, id)) != null;
    }

    @Override
    public boolean doExists(String id) throws Exception {
        if (!SessionKeys.isValidId(id)) {
            return false;
        }
        byte[] bytes = cache.get(SessionKeys.key(contextPrefix, id));
        Long expiry = bytes == null ? null : expiryOrNull(bytes);
        return expiry != null && !StoredSession.isExpiredAt(expiry, System.currentTimeMillis());
    }

    /** @return the candidates that are expired at {@code time} or not stored at all (Jetty's contract) */
    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        Set<String> expired = new HashSet<>();
        for (String id : candidates) {
            byte[] bytes = SessionKeys.isValidId(id) ? cache.get(SessionKeys.key(contextPrefix, id)) : null;
            Long expiry = bytes == null ? null : expiryOrNull(bytes);
            if (expiry == null || StoredSession.isExpiredAt(expiry, time)) {
                expired.add(id);
            }
        }
        return expired;
    }

    /** @return this context's sessions that expired before {@code before}, whichever node used them last */
    @Override
    public Set<String> doGetExpired(long before) {
        Set<String> expired = new HashSet<>();
        for (CacheEntry entry : cache.entriesWithValues()) {
            if (SessionKeys.startsWith(entry.key(), contextPrefix)) {
                Long expiry = expiryOrNull(entry.value());
                if (expiry != null && StoredSession.isExpiredAt(expiry, before)) {
                    expired.add(SessionKeys.idOf(entry.key(), contextPrefix));
                }
            }
        }
        return expired;
    }

    /** Deletes the sessions of every context that expired before {@code time} (contexts no longer running). */
    @Override
    public void doCleanOrphans(long time) {
        for (CacheEntry entry : cache.entriesWithValues()) {
            if (!SessionKeys.isSessionKey(entry.key())) {
                continue;
            }
            Long seen = expiryOrNull(entry.value());
            if (seen == null || !StoredSession.isExpiredAt(seen, time)) {
                continue;
            }
            // Re-checked under the lock: a request may have renewed the session since the scan saw it.
            cache.getAndSet(entry.key(), current -> {
                Long expiry = current == null ? null : expiryOrNull(current);
                return expiry != null && StoredSession.isExpiredAt(expiry, time) ? null : current;
            });
        }
    }

    private static Long expiryOrNull(byte[] bytes) {
        try {
            return StoredSession.expiryOf(bytes);
        } catch (StoredSession.CorruptException e) {
            return null;
        }
    }

    private static String abbreviate(String id) {
        return id == null ? "null" : id.length() <= 40 ? id : id.substring(0, 40) + "...";
    }

    @Override
    public String toString() {
        return String.format("%s@%x[file=%s]", getClass().getSimpleName(), hashCode(), file.file());
    }
}
