package io.fastmmap.session;

import java.nio.charset.StandardCharsets;

/**
 * The JSON of the commonest session attributes (counters, flags, ids, short ASCII strings) without Jackson: a
 * jackson-core parser or generator per value costs 2-3.7 times the CPU of this (docs/benchmarks.md, ScalarJson
 * against jackson-core streaming), and a counter is read and written on every request. The bytes are exactly the
 * ones Jackson writes and reads (ScalarJsonTest compares them), so records stay readable by any version; anything
 * else returns null and goes to Jackson.
 */
final class ScalarJson {
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    /** Nine digits always fit an int, eighteen a long: longer numbers go to Jackson. */
    private static final int MAX_INT_DIGITS = 9;
    private static final int MAX_LONG_DIGITS = 18;

    private ScalarJson() {
    }

    /** @return tag then JSON of a Boolean, Integer, Long or plain printable-ASCII String; null for anything else */
    static byte[] write(byte tag, Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return tagged(tag, value.toString());
        }
        if (value instanceof Boolean b) {
            return tagged(tag, b ? "true" : "false");
        }
        if (value instanceof String s && isPlain(s)) {
            return tagged(tag, '"' + s + '"');
        }
        return null;
    }

    /** @return the value of a JSON-tagged body Jackson would read as Integer, Boolean or plain String; else null */
    static Object readAny(byte[] bytes) {
        int length = bytes.length - 1;
        if (length >= 2 && bytes[1] == '"' && bytes[bytes.length - 1] == '"') {
            for (int i = 2; i < bytes.length - 1; i++) {
                if (!isPlain(bytes[i])) {
                    return null;
                }
            }
            return new String(bytes, 2, length - 2, StandardCharsets.US_ASCII);
        }
        if (matches(bytes, TRUE)) {
            return Boolean.TRUE;
        }
        if (matches(bytes, FALSE)) {
            return Boolean.FALSE;
        }
        return isCanonicalInteger(bytes, MAX_INT_DIGITS) ? Integer.valueOf(ascii(bytes)) : null;
    }

    /** @return the value of a Long-tagged body, or null when Jackson should read it */
    static Long readLong(byte[] bytes) {
        return isCanonicalInteger(bytes, MAX_LONG_DIGITS) ? Long.valueOf(ascii(bytes)) : null;
    }

    private static byte[] tagged(byte tag, String ascii) {
        byte[] out = new byte[ascii.length() + 1];
        out[0] = tag;
        for (int i = 0; i < ascii.length(); i++) {
            out[i + 1] = (byte) ascii.charAt(i);
        }
        return out;
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, 1, bytes.length - 1, StandardCharsets.US_ASCII);
    }

    /** An optional minus, then 1..maxDigits digits without a leading zero (Jackson refuses those by default). */
    private static boolean isCanonicalInteger(byte[] bytes, int maxDigits) {
        int start = bytes.length > 1 && bytes[1] == '-' ? 2 : 1;
        int digits = bytes.length - start;
        if (digits < 1 || digits > maxDigits || (bytes[start] == '0' && digits > 1)) {
            return false;
        }
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(byte[] bytes, byte[] literal) {
        if (bytes.length - 1 != literal.length) {
            return false;
        }
        for (int i = 0; i < literal.length; i++) {
            if (bytes[i + 1] != literal[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isPlain(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Printable ASCII that JSON writes as itself: no quote, no backslash, no control character. */
    private static boolean isPlain(int c) {
        return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    }
}
