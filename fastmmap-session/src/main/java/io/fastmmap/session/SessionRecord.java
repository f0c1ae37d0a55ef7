package io.fastmmap.session;

import io.fastmmap.FastMmapException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One session as stored: times, principal and the attributes as serialized bytes. Everything a request can change
 * lives in this one entry, so LRU eviction can never separate a session from its expiry (the Perl store's
 * {@code expires:} key could be evicted alone). Merges work on these bytes without deserializing any attribute, so
 * the page lock is held only for byte copying.
 *
 * <p>Layout (big-endian): version byte, created, last accessed, max inactive (milliseconds, 3 × i64), principal
 * (i32 length or -1, UTF-8), attribute count (i32), then per attribute name (i32 length, UTF-8) and value (i32
 * length, bytes). Every length is checked against what is left before use.
 */
final class SessionRecord {
    private static final byte VERSION = 1;

    long createdMillis;
    long lastAccessedMillis;
    long maxInactiveMillis;
    String principalName;
    final Map<String, byte[]> attributes;

    SessionRecord(long createdMillis, long lastAccessedMillis, long maxInactiveMillis, String principalName,
            Map<String, byte[]> attributes) {
        this.createdMillis = createdMillis;
        this.lastAccessedMillis = lastAccessedMillis;
        this.maxInactiveMillis = maxInactiveMillis;
        this.principalName = principalName;
        this.attributes = new LinkedHashMap<>(attributes);
    }

    long expiresAtMillis() {
        return SessionData.saturatedAdd(lastAccessedMillis, maxInactiveMillis);
    }

    boolean isExpired(long nowMillis) {
        return nowMillis >= expiresAtMillis();
    }

    byte[] encode() {
        byte[] principal = principalName == null ? null : principalName.getBytes(StandardCharsets.UTF_8);
        long size = 1 + 3 * 8 + 4 + (principal == null ? 0 : principal.length) + 4;
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            size += 8 + utf8Length(e.getKey()) + e.getValue().length;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new SessionTooLargeException("a session of " + size + " bytes cannot be stored at all", size, 0,
                    null);
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(VERSION).putLong(createdMillis).putLong(lastAccessedMillis).putLong(maxInactiveMillis);
        putBytes(out, principal);
        out.putInt(attributes.size());
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            putBytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            putBytes(out, e.getValue());
        }
        return out.array();
    }

    /**
     * @param bytes a stored entry
     * @param key the entry's key, for the message
     * @return the record
     * @throws CorruptSessionException when the bytes are not a record this version wrote
     */
    static SessionRecord decode(byte[] bytes, String key) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new CorruptSessionException("entry " + key + " has record version " + version + ", expected "
                        + VERSION + "; it was written by another program or another fastmmap-session version");
            }
            long created = in.getLong();
            long lastAccessed = in.getLong();
            long maxInactive = in.getLong();
            byte[] principal = getBytes(in, key);
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 8) {
                throw new CorruptSessionException("entry " + key + " claims " + count + " attributes in "
                        + in.remaining() + " bytes");
            }
            Map<String, byte[]> attributes = new LinkedHashMap<>(Math.max(4, count * 2));
            for (int i = 0; i < count; i++) {
                String name = new String(requireBytes(in, key), StandardCharsets.UTF_8);
                attributes.put(name, requireBytes(in, key));
            }
            if (in.hasRemaining()) {
                throw new CorruptSessionException("entry " + key + " has " + in.remaining() + " bytes after its last"
                        + " attribute");
            }
            return new SessionRecord(created, lastAccessed, maxInactive,
                    principal == null ? null : new String(principal, StandardCharsets.UTF_8), attributes);
        } catch (BufferUnderflowException e) {
            throw new CorruptSessionException("entry " + key + " ends early (" + bytes.length + " bytes)");
        }
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(-1);
        } else {
            out.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer in, String key) {
        int length = in.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.remaining()) {
            throw new CorruptSessionException("entry " + key + " has a field of " + length + " bytes with "
                    + in.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] requireBytes(ByteBuffer in, String key) {
        byte[] bytes = getBytes(in, key);
        if (bytes == null) {
            throw new CorruptSessionException("entry " + key + " has a missing attribute name or value");
        }
        return bytes;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Stored bytes that are not a session record. The store treats the session as absent and logs it. */
    static final class CorruptSessionException extends FastMmapException {
        private static final long serialVersionUID = 1L;

        CorruptSessionException(String message) {
            super(message);
        }
    }
}
