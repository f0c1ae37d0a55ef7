package io.fastmmap.session.redis;

import io.fastmmap.session.ImmutableValues;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * This JVM's decoded view of the host's copies, so that a request whose session is current on the host neither
 * reads the copy from the file nor deserializes its values again.
 *
 * <p>Never a source of truth: an entry is used only while the fence it was made under still holds, and every install
 * and every drop of the session's copy, by any process on the host, moves that fence (a drop both before and after
 * it removes the copy, so a lookup that raced a drop is never kept under an unmoved fence). The entry also keeps the
 * copy's own expiry, so the maximum copy age holds as for the copy itself; the listener's heartbeat and the epoch are
 * checked by the fence on every request. Only values of immutable classes ({@link ImmutableValues}) are shared
 * between requests; every other value is deserialized for each request, as from the copy, so a request that changes
 * an attribute's object in place changes nobody else's.
 *
 * <p>Bounded by entry count: past it, arbitrary entries are dropped.
 */
final class DecodedCopies {
    private final int maxCount;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    DecodedCopies(int maxCount) {
        this.maxCount = maxCount;
    }

    /**
     * One session's copy as decoded under a fence.
     *
     * @param fence what the copy was current under
     * @param expiresAtMillis when the copy stops being served
     * @param fields the hash's fields, as in the copy
     * @param shared the values decoded so far that every request may share, by field name
     */
    record Entry(HostCache.Fence fence, long expiresAtMillis, Map<String, byte[]> fields, Map<String, Object> shared) {
        Entry(HostCache.Fence fence, long expiresAtMillis, Map<String, byte[]> fields) {
            this(fence, expiresAtMillis, fields, new ConcurrentHashMap<>());
        }

        /** @return the value decoded from the field's bytes, kept for the next request when it is immutable */
        Object decode(String field, byte[] bytes, Function<byte[], Object> deserializer) {
            Object known = shared.get(field);
            if (known != null) {
                return known;
            }
            Object value = deserializer.apply(bytes);
            if (ImmutableValues.isShareable(value)) {
                shared.put(field, value);
            }
            return value;
        }
    }

    /** @return the entry made under exactly this fence and not expired, else null */
    Entry find(String id, HostCache.Fence fence, long nowMillis) {
        Entry entry = entries.get(id);
        return entry != null && entry.fence().equals(fence) && entry.expiresAtMillis() > nowMillis ? entry : null;
    }

    void put(String id, Entry entry) {
        if (maxCount == 0) {
            return;
        }
        entries.put(id, entry);
        if (entries.size() > maxCount) {
            Iterator<String> ids = entries.keySet().iterator();
            while (entries.size() > maxCount && ids.hasNext()) {
                String victim = ids.next();
                if (!victim.equals(id)) {
                    ids.remove();
                }
            }
        }
    }

    void remove(String id) {
        entries.remove(id);
    }
}
