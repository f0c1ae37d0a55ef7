package io.fastmmap.session;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's last decoded record of each recently used session, so that a request finding the same bytes stored as
 * the last one did skips decoding the record and deserializing its immutable attributes.
 *
 * <p>Never a source of truth: another process may change the file at any time, so an entry is used only when the
 * bytes just read from the file (or handed to a merge under the page lock) are exactly the bytes it was decoded
 * from, and a record is a function of its bytes alone. A stale entry is therefore merely useless, never wrong, and
 * a session deleted from the file cannot come back through here (absent bytes never match). Comparing the bytes is
 * a vectorized memcmp of a few hundred bytes, already copied out of the file anyway; a version stamp would save that
 * comparison but could not be trusted across processes without the same comparison.
 *
 * <p>Each entry also keeps the session's key in the file: an id found here was checked ({@link SessionIds}) when it
 * was put, so a request whose id is known skips checking it and building its key, twice per request.
 *
 * <p>Bounded by entry count and by stored bytes: past either bound, arbitrary entries are dropped (the map's
 * iteration order, effectively random by id hash), and a record larger than a sixteenth of the byte bound is not
 * kept at all. Lock-free on lookups, since lookups also run inside a page lock that other processes wait on.
 */
final class DecodedSessions {
    private final int maxCount;
    private final long maxBytes;
    private final ConcurrentHashMap<String, Entry> records;
    /** Stored bytes of the records held; each change adds or subtracts exactly what one put or remove did. */
    private final AtomicLong byteCount = new AtomicLong();

    /**
     * @param maxCount sessions kept at most; 0 keeps none
     * @param maxBytes their stored bytes at most
     */
    DecodedSessions(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.records = new ConcurrentHashMap<>(Math.min(maxCount, 1024));
    }

    /**
     * @param id anything a client sent, null included
     * @return the entry of a session this JVM read or wrote lately, or null
     */
    Entry entry(String id) {
        return id == null || id.length() < SessionIds.MIN_LENGTH || id.length() > SessionIds.MAX_LENGTH ? null
                : records.get(id);
    }

    /**
     * @param id a session id
     * @param storedBytes what the file holds for it now
     * @return the record decoded from exactly these bytes, or null when there is none
     */
    SessionRecord find(String id, byte[] storedBytes) {
        return matching(records.get(id), storedBytes);
    }

    /** @return the entry's record when it was decoded from exactly {@code storedBytes}, else null */
    static SessionRecord matching(Entry entry, byte[] storedBytes) {
        return entry != null && Arrays.equals(entry.record.bytes(), storedBytes) ? entry.record : null;
    }

    /**
     * @param id a checked session id
     * @param key its key in the file, which the entry keeps: callers must never modify it
     * @param record its record as stored now
     */
    void put(String id, byte[] key, SessionRecord record) {
        int size = record.bytes().length;
        if (maxCount == 0 || size > maxBytes / 16) {
            remove(id);
            return;
        }
        Entry old = records.put(id, new Entry(key, record));
        byteCount.addAndGet(size - (old == null ? 0 : old.record.bytes().length));
        if (records.size() > maxCount || byteCount.get() > maxBytes) {
            shrink(id);
        }
    }

    private void shrink(String keep) {
        Iterator<Map.Entry<String, Entry>> entries = records.entrySet().iterator();
        while ((records.size() > maxCount || byteCount.get() > maxBytes) && entries.hasNext()) {
            Map.Entry<String, Entry> victim = entries.next();
            if (!victim.getKey().equals(keep) && records.remove(victim.getKey(), victim.getValue())) {
                byteCount.addAndGet(-victim.getValue().record.bytes().length);
            }
        }
    }

    void remove(String id) {
        Entry old = records.remove(id);
        if (old != null) {
            byteCount.addAndGet(-old.record.bytes().length);
        }
    }

    int size() {
        return records.size();
    }

    long byteCount() {
        return byteCount.get();
    }

    /**
     * A session's key and last record; immutable, so a lookup racing with a put sees one whole entry or the other.
     *
     * @param key the session's key in the file
     * @param record its record as this JVM last read or wrote it
     */
    record Entry(byte[] key, SessionRecord record) {
    }
}
