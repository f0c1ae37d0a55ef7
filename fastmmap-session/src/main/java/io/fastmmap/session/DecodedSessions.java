package io.fastmmap.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;

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
 * <p>A Caffeine cache weighed in stored bytes, so a few large sessions push out as much as many small ones, and
 * Caffeine's admission keeps the sessions in use rather than whichever a one-off request touched last. Caffeine
 * bounds by weight or by count, not both: an entry weighs at least {@code maxBytes / maxCount}, which bounds the
 * count too. A record larger than a sixteenth of the byte bound is not kept at all. Lookups take no lock, since they
 * also run inside a page lock that other processes wait on; eviction runs on the calling thread (no pool thread
 * per store), after the put that went over the bound.
 */
final class DecodedSessions {
    private final long maxBytes;
    private final long minWeight;
    /** Null when the cache is off (no count or no bytes allowed). */
    private final Cache<String, Entry> records;

    /**
     * @param maxCount sessions kept at most; 0 keeps none
     * @param maxBytes their stored bytes at most
     */
    DecodedSessions(int maxCount, long maxBytes) {
        this.maxBytes = maxBytes;
        this.minWeight = maxCount == 0 ? Long.MAX_VALUE : Math.max(1, ceilDiv(maxBytes, maxCount));
        this.records = maxCount == 0 || maxBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, Entry entry) -> weight(entry))
                .executor(Runnable::run)
                .build();
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    private int weight(Entry entry) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(minWeight, entry.record.bytes().length));
    }

    /**
     * @param id anything a client sent, null included
     * @return the entry of a session this JVM read or wrote lately, or null
     */
    Entry entry(String id) {
        return records == null || id == null || id.length() < SessionIds.MIN_LENGTH
                || id.length() > SessionIds.MAX_LENGTH ? null : records.getIfPresent(id);
    }

    /**
     * @param id a session id
     * @param storedBytes what the file holds for it now
     * @return the record decoded from exactly these bytes, or null when there is none
     */
    SessionRecord find(String id, byte[] storedBytes) {
        return records == null ? null : matching(records.getIfPresent(id), storedBytes);
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
        if (records == null) {
            return;
        }
        if (record.bytes().length > maxBytes / 16) {
            records.invalidate(id);
            return;
        }
        records.put(id, new Entry(key, record));
    }

    void remove(String id) {
        if (records != null) {
            records.invalidate(id);
        }
    }

    int size() {
        return records == null ? 0 : (int) records.estimatedSize();
    }

    /** @return the stored bytes of the records held (their weight where none is below the least weight) */
    long byteCount() {
        return records == null ? 0
                : records.asMap().values().stream().mapToLong(entry -> entry.record.bytes().length).sum();
    }

    /** Runs pending evictions, so that {@link #size} and {@link #byteCount} are exact: for tests and metrics. */
    void cleanUp() {
        if (records != null) {
            records.cleanUp();
        }
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
