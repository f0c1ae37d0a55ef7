package io.fastmmap.session;

import java.nio.charset.StandardCharsets;

/**
 * Checks session ids before any store access. Ids are opaque tokens: Spring's UUIDs (36 characters), Catalyst's
 * 40 hex digits, Jetty's and Tomcat's base64url-ish ids all pass; anything else is refused, and an id is never
 * used as a file name or path, only as part of a key inside the one cache file.
 */
public final class SessionIds {
    /** Shorter ids cannot carry enough randomness to be unguessable (128 bits is 22 base64 characters). */
    public static final int MIN_LENGTH = 16;
    /** Longer ids only waste page space; no container generates them. */
    public static final int MAX_LENGTH = 128;
    /** The allowed ASCII characters, looked up instead of compared: every request checks its id two or three times. */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 0; c < ALLOWED.length; c++) {
            ALLOWED[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
        }
    }

    private SessionIds() {
    }

    /**
     * @param id a session id from a client or a container
     * @return {@code id}, when it is 16 to 128 characters from {@code [A-Za-z0-9_-]}
     * @throws InvalidSessionIdException otherwise, naming the problem (but not echoing a huge id back)
     */
    public static String requireValid(String id) {
        if (id == null) {
            throw new InvalidSessionIdException("session id is null");
        }
        if (id.length() < MIN_LENGTH || id.length() > MAX_LENGTH) {
            throw new InvalidSessionIdException("session id has " + id.length() + " characters; session ids must"
                    + " have " + MIN_LENGTH + " to " + MAX_LENGTH + " characters from [A-Za-z0-9_-]");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                throw new InvalidSessionIdException("session id has the character U+"
                        + String.format("%04X", (int) c) + " at index " + i + "; session ids may only contain"
                        + " [A-Za-z0-9_-]");
            }
        }
        return id;
    }

    /**
     * Checks an id and returns its bytes in one pass (a key is made of them on every request).
     *
     * @param id a session id
     * @return its ASCII bytes
     * @throws InvalidSessionIdException as {@link #requireValid}
     */
    static byte[] requireValidAscii(String id) {
        if (id != null && id.length() >= MIN_LENGTH && id.length() <= MAX_LENGTH) {
            // Latin-1 keeps one byte per character; any character outside it becomes '?', which is not allowed.
            byte[] bytes = id.getBytes(StandardCharsets.ISO_8859_1);
            boolean valid = true;
            for (byte b : bytes) {
                valid &= b >= 0 && ALLOWED[b];
            }
            if (valid) {
                return bytes;
            }
        }
        requireValid(id); // throws, naming the problem
        throw new IllegalStateException("session id " + id + " passed one check and failed the other");
    }

    /**
     * @param id anything
     * @return true when {@link #requireValid} would accept it
     */
    public static boolean isValid(String id) {
        try {
            requireValid(id);
            return true;
        } catch (InvalidSessionIdException e) {
            return false;
        }
    }
}
