package io.fastmmap.session;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Bounded by entry count: past the bound, arbitrary entries are dropped (the map's iteration order, effectively
 * random by id hash). Lock-free on lookups, since lookups also run inside a page lock that other processes wait on.
 */
final class DecodedSessions {
    private final int maxCount;
    private final ConcurrentHashMap<String, SessionRecord> records;

    /** @param maxCount sessions kept at most; 0 keeps none */
    DecodedSessions(int maxCount) {
        this.maxCount = maxCount;
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
        if (maxCount == 0) {
            return;
        }
        records.put(id, record);
        if (records.size() > maxCount) {
            Iterator<String> ids = records.keySet().iterator();
            while (records.size() > maxCount && ids.hasNext()) {
                String victim = ids.next();
                if (!victim.equals(id)) {
                    ids.remove();
                }
            }
        }
    }

    void remove(String id) {
        records.remove(id);
    }

    int size() {
        return records.size();
    }
}
