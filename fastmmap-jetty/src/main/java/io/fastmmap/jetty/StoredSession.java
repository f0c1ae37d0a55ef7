package io.fastmmap.jetty;

import io.fastmmap.FastMmapException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.session.SessionData;

/**
 * One Jetty session as the value of its entry: Jetty's metadata plus each attribute's serialized bytes, so a merge
 * moves attribute bytes without deserializing them, and a sweep reads the expiry without reading anything else.
 *
 * <pre>
 * offset  bytes  field (big-endian)
 *      0      1  format, 'J' (version 1 of this layout)
 *      1      8  expiry, epoch millis; 0 = never expires       (fixed offset: read alone by sweeps)
 *      9      8  created
 *     17      8  accessed
 *     25      8  lastAccessed
 *     33      8  cookieSet
 *     41      8  maxInactiveMs; &lt;= 0 = never expires
 *     49      8  lastSaved
 *     57    2+n  lastNode, UTF-8 with a u16 length
 *           4    attribute count
 *     then per attribute:
 *           2+n  name, UTF-8 with a u16 length
 *           4+m  value as the AttributeSerializer wrote it, with an s32 length
 * </pre>
 *
 * Context path, vhost and id live in the key ({@link SessionKeys}). Every length read is checked against the bytes
 * left before it is used: a damaged entry is reported as {@link CorruptException}, never read past its end.
 */
final class StoredSession {
    static final byte FORMAT = 'J';
    private static final int EXPIRY_OFFSET = 1;
    private static final int HEADER_BYTES = 57;

    long expiry;
    long created;
    long accessed;
    long lastAccessed;
    long cookieSet;
    long maxInactiveMs;
    long lastSaved;
    String lastNode;
    /** Attribute name to serialized value, in the session's order. */
    Map<String, byte[]> attributes = new LinkedHashMap<>();

    /** @return the metadata of {@code data} with the given serialized attributes */
    static StoredSession of(SessionData data, Map<String, byte[]> attributes) {
        StoredSession s = new StoredSession();
        s.expiry = data.getExpiry();
        s.created = data.getCreated();
        s.accessed = data.getAccessed();
        s.lastAccessed = data.getLastAccessed();
        s.cookieSet = data.getCookieSet();
        s.maxInactiveMs = data.getMaxInactiveMs();
        s.lastSaved = data.getLastSaved();
        s.lastNode = data.getLastNode() == null ? "" : data.getLastNode();
        s.attributes = attributes;
        return s;
    }

    /** @return true when expired at {@code time} (Jetty's rule: an expiry of 0 or less never expires) */
    static boolean isExpiredAt(long expiry, long time) {
        return expiry > 0 && expiry <= time;
    }

    /**
     * @param bytes an entry's value
     * @return its expiry without decoding the rest
     * @throws CorruptException when the entry is not one of ours
     */
    static long expiryOf(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != FORMAT) {
            throw new CorruptException("entry of " + bytes.length + " bytes is not a Jetty session record (format "
                    + (bytes.length == 0 ? "none" : Byte.toString(bytes[0])) + ")");
        }
        return ByteBuffer.wrap(bytes).getLong(EXPIRY_OFFSET);
    }

    byte[] encode() {
        byte[] node = lastNode.getBytes(StandardCharsets.UTF_8);
        int size = HEADER_BYTES + 2 + node.length + 4;
        byte[][] names = new byte[attributes.size()][];
        int i = 0;
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            size += 2 + names[i].length + 4 + e.getValue().length;
            i++;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT).putLong(expiry).putLong(created).putLong(accessed).putLong(lastAccessed).putLong(cookieSet)
                .putLong(maxInactiveMs).putLong(lastSaved);
        putShortString(out, node, "lastNode");
        out.putInt(attributes.size());
        i = 0;
        for (byte[] value : attributes.values()) {
            putShortString(out, names[i++], "attribute name");
            out.putInt(value.length).put(value);
        }
        return out.array();
    }

    /**
     * @param bytes an entry's value
     * @return the record
     * @throws CorruptException when any length or field does not fit the bytes
     */
    static StoredSession decode(byte[] bytes) {
        expiryOf(bytes);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            StoredSession s = new StoredSession();
            in.get();
            s.expiry = in.getLong();
            s.created = in.getLong();
            s.accessed = in.getLong();
            s.lastAccessed = in.getLong();
            s.cookieSet = in.getLong();
            s.maxInactiveMs = in.getLong();
            s.lastSaved = in.getLong();
            s.lastNode = getShortString(in);
            int count = in.getInt();
            // Each attribute takes at least 6 bytes: a count above that is damage, not a reason to allocate.
            if (count < 0 || count > in.remaining() / 6) {
                throw new CorruptException("attribute count " + count + " does not fit the " + in.remaining()
                        + " bytes left");
            }
            for (int i = 0; i < count; i++) {
                String name = getShortString(in);
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new CorruptException("attribute " + name + " claims " + length + " bytes, "
                            + in.remaining() + " left");
                }
                byte[] value = new byte[length];
                in.get(value);
                s.attributes.put(name, value);
            }
            if (in.hasRemaining()) {
                throw new CorruptException(in.remaining() + " bytes after the last attribute");
            }
            return s;
        } catch (BufferUnderflowException e) {
            throw new CorruptException("record ends early (" + bytes.length + " bytes)");
        }
    }

    private static void putShortString(ByteBuffer out, byte[] utf8, String what) {
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException(what + " has " + utf8.length + " bytes in UTF-8; at most 65535");
        }
        out.putShort((short) utf8.length).put(utf8);
    }

    private static String getShortString(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new CorruptException("a string claims " + length + " bytes, " + in.remaining() + " left");
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    /** The bytes of an entry are not a session record this code wrote. */
    static final class CorruptException extends FastMmapException {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }
}
