package io.fastmmap.session;

import io.fastmmap.FastMmapException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * One session as stored: times, principal and the attributes as serialized bytes. Everything a request can change
 * lives in this one entry, so LRU eviction can never separate a session from its expiry (the Perl store's
 * {@code expires:} key could be evicted alone).
 *
 * <p>A record is an immutable index over its stored bytes (where each attribute's entry and value start), so a merge
 * ({@link #merge}) copies the entries it does not change as they are, byte for byte, without deserializing or even
 * re-encoding them, and the page lock is held only for that copying. Because a record is a function of its bytes
 * alone, {@link DecodedSessions} can hand the same record to every request that finds the same bytes stored.
 *
 * <p>Layout (big-endian): version byte, created, last accessed, max inactive (milliseconds, 3 × i64), principal
 * (i32 length or -1, UTF-8), attribute count (i32), then per attribute name (i32 length, UTF-8) and value (i32
 * length, bytes). Every length is checked against what is left before use.
 */
final class SessionRecord {
    private static final byte VERSION = 1;
    private static final int FIXED_BYTES = 1 + 3 * 8 + 4 + 4;

    private final byte[] bytes;
    final long createdMillis;
    final long lastAccessedMillis;
    final long maxInactiveMillis;
    final String principalName;
    private final String[] names;
    /** Where each attribute's entry (its name's length field) starts; one more element: the end of the record. */
    private final int[] entryOffsets;
    private final int[] valueOffsets;
    /**
     * What deserializing each attribute's bytes gives, where requests may be handed it without deserializing: an
     * immutable value itself, or a {@link Tree} to copy; null where not known yet or neither. Carried over from the
     * record a merge started from for the entries it copied, and from the request for values the serializer reads
     * back equal; otherwise filled lazily from several threads: a racy write is harmless, since every writer stores
     * an equal value derived from the same bytes (like String's hash), and each is immutable with final fields or
     * held through one ({@link Tree}), so a racy read sees it whole.
     */
    private final Object[] sharedValues;
    /** The whole session as handed out, once every value turned out immutable (same lazy, racy fill). */
    private SessionData sharedData;

    private SessionRecord(byte[] bytes, long createdMillis, long lastAccessedMillis, long maxInactiveMillis,
            String principalName, String[] names, int[] entryOffsets, int[] valueOffsets, Object[] sharedValues) {
        this.bytes = bytes;
        this.createdMillis = createdMillis;
        this.lastAccessedMillis = lastAccessedMillis;
        this.maxInactiveMillis = maxInactiveMillis;
        this.principalName = principalName;
        this.names = names;
        this.entryOffsets = entryOffsets;
        this.valueOffsets = valueOffsets;
        this.sharedValues = sharedValues;
    }

    /** @return true when {@code value} is of a class whose instances every request may share */
    static boolean isShareable(Object value) {
        return ImmutableValues.isShareable(value);
    }

    /**
     * @return a record with these contents
     * @throws SessionTooLargeException when the record would not fit in a Java array
     */
    static SessionRecord of(long createdMillis, long lastAccessedMillis, long maxInactiveMillis, String principalName,
            Map<String, byte[]> attributes) {
        long size = 0;
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            size += entrySize(utf8(e.getKey()), e.getValue());
        }
        Writer out = new Writer(createdMillis, lastAccessedMillis, maxInactiveMillis, principalName, size,
                attributes.size());
        attributes.forEach((name, value) -> out.putEntry(name, utf8(name), value, null));
        return out.finish();
    }

    /** @return the stored form; callers must not modify it */
    byte[] bytes() {
        return bytes;
    }

    long expiresAtMillis() {
        return SessionData.saturatedAdd(lastAccessedMillis, maxInactiveMillis);
    }

    boolean isExpired(long nowMillis) {
        return nowMillis >= expiresAtMillis();
    }

    int attributeCount() {
        return names.length;
    }

    String name(int index) {
        return names[index];
    }

    /** @return a copy of the attribute's serialized value */
    byte[] value(int index) {
        return Arrays.copyOfRange(bytes, valueOffsets[index], entryOffsets[index + 1]);
    }

    /** @return a value for the attribute that the caller may own, without deserializing; null when not known */
    Object knownValue(int index) {
        Object known = sharedValues[index];
        return known instanceof Tree tree ? PlainTrees.copy(tree.value()) : known;
    }

    /**
     * Remembers what deserializing the attribute's bytes gave, for the next request that finds these bytes.
     *
     * @param value the caller's value, which it may go on to change: a tree is kept as a copy
     * @return true when the value itself may be handed to other requests too (it is immutable)
     */
    boolean remember(int index, Object value) {
        if (isShareable(value)) {
            sharedValues[index] = value;
            return true;
        }
        if (PlainTrees.isTree(value)) {
            sharedValues[index] = new Tree(PlainTrees.copy(value));
        }
        return false;
    }

    SessionData sharedData() {
        return sharedData;
    }

    void shareData(SessionData data) {
        sharedData = data;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param changes one request's serialized changes
     * @return this session with the changes applied: unchanged attributes keep their place and their bytes,
     *     changed ones are replaced in place, new ones come last
     */
    SessionRecord merge(SessionChanges changes) {
        long size = 0;
        int count = 0;
        for (int i = 0; i < names.length; i++) {
            int change = changes.indexOf(names[i]);
            if (change < 0) {
                size += entryOffsets[i + 1] - entryOffsets[i];
                count++;
            } else if (changes.value(change) != null) {
                size += entrySize(changes.nameBytes(change), changes.value(change));
                count++;
            }
        }
        for (int j = 0; j < changes.count(); j++) {
            if (changes.value(j) != null && indexOf(changes.name(j)) < 0) {
                size += entrySize(changes.nameBytes(j), changes.value(j));
                count++;
            }
        }
        long accessed = Math.max(lastAccessedMillis, changes.lastAccessedMillis());
        long maxInactive = changes.maxInactiveMillis() >= 0 ? changes.maxInactiveMillis() : maxInactiveMillis;
        String principal = changes.principalChanged() ? changes.principalName() : principalName;
        Writer out = new Writer(createdMillis, accessed, maxInactive, principal, size, count);
        for (int i = 0; i < names.length; i++) {
            int change = changes.indexOf(names[i]);
            if (change < 0) {
                out.copyEntry(this, i);
            } else if (changes.value(change) != null) {
                out.putEntry(names[i], changes.nameBytes(change), changes.value(change),
                        changes.sharedValue(change));
            }
        }
        for (int j = 0; j < changes.count(); j++) {
            if (changes.value(j) != null && indexOf(changes.name(j)) < 0) {
                out.putEntry(changes.name(j), changes.nameBytes(j), changes.value(j), changes.sharedValue(j));
            }
        }
        return out.finish();
    }

    /**
     * @param bytes a stored entry; the record keeps it, so it must not be modified afterwards
     * @param key the entry's key, for the message
     * @return the record
     * @throws CorruptSessionException when the bytes are not a record this version wrote
     */
    /** @return this session's times and principal, without its attributes */
    SessionRecord withoutAttributes() {
        return of(createdMillis, lastAccessedMillis, maxInactiveMillis, principalName, Map.of());
    }

    /**
     * Whether stored record bytes name a principal, read from the principal's length field alone (after the version
     * byte and three times): the eviction class of a session is decided under its page lock, so without decoding.
     * Bytes too short to say are taken as anonymous.
     */
    static boolean hasPrincipal(byte[] bytes) {
        int at = 1 + 3 * Long.BYTES;
        return bytes.length >= at + Integer.BYTES && (bytes[at] & 0x80) == 0;
    }

    static SessionRecord decode(byte[] bytes, String key) {
        RecordReader in = new RecordReader(bytes, key);
        byte version = in.version();
        if (version != VERSION) {
            throw new CorruptSessionException("entry " + key + " has record version " + version + ", expected "
                    + VERSION + "; it was written by another program or another fastmmap-session version");
        }
        long created = in.getLong();
        long lastAccessed = in.getLong();
        long maxInactive = in.getLong();
        int principalLength = in.length(true);
        String principal = principalLength < 0 ? null : in.string(principalLength);
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 8) {
            throw new CorruptSessionException("entry " + key + " claims " + count + " attributes in "
                    + in.remaining() + " bytes");
        }
        String[] names = new String[count];
        int[] entryOffsets = new int[count + 1];
        int[] valueOffsets = new int[count];
        for (int i = 0; i < count; i++) {
            entryOffsets[i] = in.position();
            names[i] = in.string(in.length(false));
            int valueLength = in.length(false);
            valueOffsets[i] = in.position();
            in.skip(valueLength);
        }
        if (in.remaining() > 0) {
            throw new CorruptSessionException("entry " + key + " has " + in.remaining() + " bytes after its last"
                    + " attribute");
        }
        entryOffsets[count] = bytes.length;
        return new SessionRecord(bytes, created, lastAccessed, maxInactive, principal, names, entryOffsets,
                valueOffsets, new Object[count]);
    }

    private static long entrySize(byte[] name, byte[] value) {
        return 8L + name.length + value.length;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A list or map ({@link PlainTrees}) kept only to be copied, never handed out itself. */
    private record Tree(Object value) {
    }

    /** Fills a new record's bytes and index in one pass; the caller has counted its size and entries. */
    private static final class Writer {
        private final byte[] out;
        private final long createdMillis;
        private final long lastAccessedMillis;
        private final long maxInactiveMillis;
        private final String principalName;
        private final String[] names;
        private final int[] entryOffsets;
        private final int[] valueOffsets;
        private final Object[] sharedValues;
        private int position;
        private int entry;

        Writer(long createdMillis, long lastAccessedMillis, long maxInactiveMillis, String principalName,
                long entryBytes, int entryCount) {
            byte[] principal = principalName == null ? null : utf8(principalName);
            long size = FIXED_BYTES + (principal == null ? 0 : principal.length) + entryBytes;
            if (size > Integer.MAX_VALUE - 16) {
                throw new SessionTooLargeException("a session of " + size + " bytes cannot be stored at all", size, 0,
                        null);
            }
            this.out = new byte[(int) size];
            this.createdMillis = createdMillis;
            this.lastAccessedMillis = lastAccessedMillis;
            this.maxInactiveMillis = maxInactiveMillis;
            this.principalName = principalName;
            this.names = new String[entryCount];
            this.entryOffsets = new int[entryCount + 1];
            this.valueOffsets = new int[entryCount];
            this.sharedValues = new Object[entryCount];
            out[position++] = VERSION;
            putLong(createdMillis);
            putLong(lastAccessedMillis);
            putLong(maxInactiveMillis);
            if (principal == null) {
                putInt(-1);
            } else {
                putBytes(principal);
            }
            putInt(entryCount);
        }

        void putEntry(String name, byte[] nameBytes, byte[] value, Object sharedValue) {
            names[entry] = name;
            sharedValues[entry] = sharedValue;
            entryOffsets[entry] = position;
            putBytes(nameBytes);
            putInt(value.length);
            valueOffsets[entry++] = position;
            System.arraycopy(value, 0, out, position, value.length);
            position += value.length;
        }

        void copyEntry(SessionRecord from, int index) {
            int start = from.entryOffsets[index];
            int length = from.entryOffsets[index + 1] - start;
            names[entry] = from.names[index];
            sharedValues[entry] = from.sharedValues[index]; // same bytes, same value
            entryOffsets[entry] = position;
            valueOffsets[entry++] = position + from.valueOffsets[index] - start;
            System.arraycopy(from.bytes, start, out, position, length);
            position += length;
        }

        SessionRecord finish() {
            entryOffsets[entry] = position;
            return new SessionRecord(out, createdMillis, lastAccessedMillis, maxInactiveMillis, principalName, names,
                    entryOffsets, valueOffsets, sharedValues);
        }

        private void putBytes(byte[] bytes) {
            putInt(bytes.length);
            System.arraycopy(bytes, 0, out, position, bytes.length);
            position += bytes.length;
        }

        // Unrolled: every save writes a record, and until the JIT's last tier gets to it (minutes, in a busy app on
        // two cores) each loop iteration also updates profiling counters.
        private void putInt(int value) {
            int p = position;
            out[p] = (byte) (value >>> 24);
            out[p + 1] = (byte) (value >>> 16);
            out[p + 2] = (byte) (value >>> 8);
            out[p + 3] = (byte) value;
            position = p + 4;
        }

        private void putLong(long value) {
            putInt((int) (value >>> 32));
            putInt((int) value);
        }
    }

    /** Stored bytes that are not a session record. The store treats the session as absent and logs it. */
    static final class CorruptSessionException extends FastMmapException {
        private static final long serialVersionUID = 1L;

        CorruptSessionException(String message) {
            super(message);
        }
    }
}
