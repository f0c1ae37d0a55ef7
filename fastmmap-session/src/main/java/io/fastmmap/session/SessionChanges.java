package io.fastmmap.session;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A {@link SessionDelta} made ready for the merge before the page lock is taken: attribute values serialized, names
 * encoded, the access time and the (limited) max inactive interval resolved. Plain arrays, because a request
 * usually changes one or two attributes and a map per save was measurable garbage.
 */
final class SessionChanges {
    private final String[] names;
    private final byte[][] nameBytes;
    /** Serialized values; null removes the attribute. */
    private final byte[][] values;
    /** The request's values where the merged record may hand them out as they are ({@link SessionRecord}). */
    private final Object[] sharedValues;
    private final long lastAccessedMillis;
    private final long maxInactiveMillis;
    private final boolean principalChanged;
    private final String principalName;

    /**
     * @param maxInactiveMillis the new interval, already limited, or -1 to leave it
     * @throws SessionSerializationException when a value cannot be serialized
     */
    SessionChanges(SessionDelta delta, AttributeSerializer serializer, long lastAccessedMillis,
            long maxInactiveMillis) {
        Map<String, Object> changes = delta.changes();
        int count = changes.size();
        this.names = new String[count];
        this.nameBytes = new byte[count][];
        this.values = new byte[count][];
        this.sharedValues = new Object[count];
        int i = 0;
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            Object value = e.getValue();
            names[i] = e.getKey();
            nameBytes[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            values[i] = value == null ? null : serializer.serialize(e.getKey(), value);
            if (SessionRecord.isShareable(value) && serializer.readsBackEqual(value)) {
                sharedValues[i] = value;
            }
            i++;
        }
        this.lastAccessedMillis = lastAccessedMillis;
        this.maxInactiveMillis = maxInactiveMillis;
        this.principalChanged = delta.principalChanged();
        this.principalName = delta.principalName();
    }

    int count() {
        return names.length;
    }

    /** @return the position of the change to attribute {@code name}, or -1 when this request left it alone */
    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    String name(int index) {
        return names[index];
    }

    byte[] nameBytes(int index) {
        return nameBytes[index];
    }

    byte[] value(int index) {
        return values[index];
    }

    Object sharedValue(int index) {
        return sharedValues[index];
    }

    /** @return the request's access time; the stored one only moves forward */
    long lastAccessedMillis() {
        return lastAccessedMillis;
    }

    long maxInactiveMillis() {
        return maxInactiveMillis;
    }

    boolean principalChanged() {
        return principalChanged;
    }

    String principalName() {
        return principalName;
    }
}
