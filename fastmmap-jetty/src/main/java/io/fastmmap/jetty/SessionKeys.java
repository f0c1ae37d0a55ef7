package io.fastmmap.jetty;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys of Jetty sessions in the shared file: one namespace per (canonical context path, vhost), as Jetty requires
 * (two contexts may hold sessions with the same id), and apart from the keys of any other user of the file.
 *
 * <pre>
 * "jetty:" len(contextPath) ":" contextPath len(vhost) ":" vhost ":" id
 * </pre>
 *
 * The lengths make the context part prefix-free: a context's sessions are exactly the keys that start with its
 * {@link #contextPrefix}, whatever characters paths and hosts contain.
 *
 * <p>Session ids come from clients' cookies and are checked before they touch the file: 1 to 128 characters from
 * {@code [A-Za-z0-9_.-]}. Jetty's own ids (worker name plus a random part) always pass; anything else is treated as
 * a session that does not exist, so the request gets a fresh session. fastmmap-session's rule for ids (at least 16
 * characters) is not applied: Jetty's store contract (and its test kit) uses short ids, and an id that names no
 * session is never adopted by Jetty, so guessing is not made easier by accepting short ones.
 */
final class SessionKeys {
    static final int MAX_ID_LENGTH = 128;
    private static final byte[] PREFIX = "jetty:".getBytes(StandardCharsets.US_ASCII);

    private SessionKeys() {
    }

    /** @return true when {@code id} may name a session (else it names none) */
    static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** @return the key prefix shared by every Jetty session of one context */
    static byte[] contextPrefix(String contextPath, String vhost) {
        String cp = contextPath == null ? "" : contextPath;
        String vh = vhost == null ? "" : vhost;
        byte[] cpBytes = cp.getBytes(StandardCharsets.UTF_8);
        byte[] vhBytes = vh.getBytes(StandardCharsets.UTF_8);
        String text = new String(PREFIX, StandardCharsets.US_ASCII) + cpBytes.length + ":";
        byte[] head = text.getBytes(StandardCharsets.US_ASCII);
        byte[] middle = (vhBytes.length + ":").getBytes(StandardCharsets.US_ASCII);
        return concat(head, cpBytes, middle, vhBytes, new byte[] {':'});
    }

    /** @return the key of session {@code id} (checked by the caller) in the context of {@code prefix} */
    static byte[] key(byte[] contextPrefix, String id) {
        return concat(contextPrefix, id.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return true when {@code key} is some Jetty session's */
    static boolean isSessionKey(byte[] key) {
        return startsWith(key, PREFIX);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** @return the id part of a key that starts with {@code prefix} */
    static String idOf(byte[] key, byte[] prefix) {
        return new String(key, prefix.length, key.length - prefix.length, StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
