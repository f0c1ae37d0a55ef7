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
 * <p>Bounded by entry count and by stored bytes: past either bound, arbitrary entries are dropped (the map's
 * iteration order, effectively random by id hash), and a record larger than a sixteenth of the byte bound is not
 * kept at all. Lock-free on lookups, since lookups also run inside a page lock that other processes wait on.
 */
final class DecodedSessions {
    private final int maxCount;
    private final long maxBytes;
    private final ConcurrentHashMap<String, SessionRecord> records;
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
     * @param id a session id
     * @param storedBytes what the file holds for it now
     * @return the record decoded from exactly these bytes, or null when there is none
     */
    SessionRecord find(String id, byte[] storedBytes) {
        SessionRecord record = records.get(id);
        return record != null && Arrays.equals(record.bytes(), storedBytes) ? record : null;
    }

    void put(String id, SessionRecord record) {
        int size = record.bytes().length;
        if (maxCount == 0 || size > maxBytes / 16) {
            remove(id);
            return;
        }
        SessionRecord old = records.put(id, record);
        byteCount.addAndGet(size - (old == null ? 0 : old.bytes().length));
        if (records.size() > maxCount || byteCount.get() > maxBytes) {
            shrink(id);
        }
    }

    private void shrink(String keep) {
        Iterator<Map.Entry<String, SessionRecord>> entries = records.entrySet().iterator();
        while ((records.size() > maxCount || byteCount.get() > maxBytes) && entries.hasNext()) {
            Map.Entry<String, SessionRecord> victim = entries.next();
            if (!victim.getKey().equals(keep) && records.remove(victim.getKey(), victim.getValue())) {
                byteCount.addAndGet(-victim.getValue().bytes().length);
            }
        }
    }

    void remove(String id) {
        SessionRecord old = records.remove(id);
        if (old != null) {
            byteCount.addAndGet(-old.bytes().length);
        }
    }

    int size() {
        return records.size();
    }

    long byteCount() {
        return byteCount.get();
    }
}
