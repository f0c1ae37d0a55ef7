package io.fastmmap.session.redis;

import io.fastmmap.session.ImmutableValues;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * This JVM's decoded view of the sessions it served, so that a request whose session is current on the host neither
 * reads the copy from the file nor deserializes its values again, and a request that must read Redis again (after
 * any write, this host's own included) deserializes only the values whose bytes changed.
 *
 * <p>Never a source of truth. A session's whole copy is used only while the fence it was made under still holds, and
 * every install and every drop of the session's copy, by any process on the host, moves that fence (a drop both
 * before and after it removes the copy, so a lookup that raced a drop is never kept under an unmoved fence). The
 * entry also keeps the copy's own expiry, so the maximum copy age holds as for the copy itself; the listener's
 * heartbeat and the epoch are checked by the fence on every request. A single value is reused only for exactly the
 * bytes it was decoded from (or, see {@link Values#remember}, serialized to), whatever the fence, and only values of
 * immutable classes ({@link ImmutableValues}) are; every other value is deserialized for each request, as from the
 * copy, so a request that changes an attribute's object in place changes nobody else's.
 *
 * <p>Bounded by entry count: past it, arbitrary entries are dropped.
 */
final class DecodedCopies {
    private final int maxCount;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    DecodedCopies(int maxCount) {
        this.maxCount = maxCount;
    }

    /** A value every request may share, and the bytes it stands for. */
    private record Known(byte[] bytes, Object value) {
    }

    /** One session's shareable values by field name, each with the exact bytes it stands for. */
    static final class Values {
        private final Map<String, Known> byField = new ConcurrentHashMap<>();

        /** @return the value of the field's bytes: the known one when the bytes are the same, else deserialized */
        Object decode(String field, byte[] bytes, Function<byte[], Object> deserializer) {
            Known known = byField.get(field);
            if (known != null && Arrays.equals(known.bytes(), bytes)) {
                return known.value();
            }
            Object value = deserializer.apply(bytes);
            remember(field, bytes, value);
            return value;
        }

        /**
         * Keeps a value for the next request that finds these bytes in the field. The caller vouches that the
         * serializer's deserialization of {@code bytes} gives a value equal to {@code value} and of its class.
         */
        void remember(String field, byte[] bytes, Object value) {
            if (ImmutableValues.isShareable(value)) {
                byField.put(field, new Known(bytes, value));
            } else {
                byField.remove(field);
            }
        }
    }

    /**
     * One session as last decoded by this JVM.
     *
     * @param fence what the copy was current under; null when there is no copy to serve from (only values)
     * @param expiresAtMillis when the copy stops being served
     * @param fields the hash's fields, as in the copy
     * @param values the values decoded so far that every request may share
     */
    record Entry(HostCache.Fence fence, long expiresAtMillis, Map<String, byte[]> fields, Values values) {
    }

    /** @return the entry made under exactly this fence and not expired, else null */
    Entry find(String id, HostCache.Fence fence, long nowMillis) {
        Entry entry = entries.get(id);
        return entry != null && fence.equals(entry.fence()) && entry.expiresAtMillis() > nowMillis ? entry : null;
    }

    /** @return the session's known values, to decode a newer hash of it with (kept from now on) */
    Values values(String id) {
        Entry entry = entries.get(id);
        if (entry != null) {
            return entry.values();
        }
        Values values = new Values();
        put(id, new Entry(null, 0, Map.of(), values));
        return values;
    }

    /** Keeps the session's copy, decoded under {@code fence}, with the session's known values. */
    Entry put(String id, HostCache.Fence fence, long expiresAtMillis, Map<String, byte[]> fields) {
        Entry entry = new Entry(fence, expiresAtMillis, fields, values(id));
        put(id, entry);
        return entry;
    }

    /** The session's copy is not served from here any more; its known values are kept. */
    void dropCopy(String id) {
        entries.computeIfPresent(id, (key, entry) -> new Entry(null, 0, Map.of(), entry.values()));
    }

    private void put(String id, Entry entry) {
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
