package io.fastmmap.codecs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a tree of plain values (maps with String keys and lists, both of {@code java.util} classes, {@code String},
 * {@code Integer}, {@code Long}, finite {@code Double}, {@code Boolean}, {@code null}) as the very bytes a default
 * {@code ObjectMapper} writes for it: compact, map entries in iteration order, {@code Double.toString} for doubles,
 * {@code "}, {@code \} and control characters escaped as Jackson escapes them (short forms for
 * {@code \b \t \n \f \r}, else a backslash, {@code u00} and two upper-case hex digits), everything else raw
 * UTF-8. Any other value, a surrogate, a NaN, or nesting near Jackson's write limit or
 * {@link JsonTreeReader#MAX_DEPTH} makes {@link #write} return null, and the codec lets Jackson write the whole
 * value, with its bytes or its error.
 */
final class JsonTreeWriter {
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    /** Thrown, without a stack, at the first value this writer leaves to Jackson; never leaves {@link #write}. */
    private static final class Unsure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    /** Below Jackson's write nesting limit and this writer's own, a stack frame per level. */
    private final int maxDepth;
    /**
     * The size of the last value written: the next buffer starts there, as values of one cache look alike. Plain,
     * not volatile: a stale size between threads only costs a copy.
     */
    private int lastSize = 256;

    private JsonTreeWriter(int jacksonMaxDepth) {
        this.maxDepth = Math.min(JsonTreeReader.MAX_DEPTH, jacksonMaxDepth);
    }

    /** @return a writer for a mapper only the codec holds, or null with a Jackson older than 2.16 (Jackson writes) */
    static JsonTreeWriter forOwnMapper(ObjectMapper mapper) {
        try {
            return new JsonTreeWriter(mapper.getFactory().streamWriteConstraints().getMaxNestingDepth());
        } catch (LinkageError olderJackson) {
            return null;
        }
    }

    /** @return the JSON, or null where Jackson must write this value */
    byte[] write(Object value) {
        if (!(value instanceof Map || value instanceof List)) {
            return null; // a record or bean, or a root scalar: Jackson's
        }
        Output out = new Output(lastSize, maxDepth);
        try {
            out.value(value, 0);
        } catch (Unsure unsure) {
            return null;
        }
        lastSize = Math.max(64, out.size);
        return Arrays.copyOf(out.bytes, out.size);
    }

    /** One value being written. */
    private static final class Output {
        private final int maxDepth;
        private byte[] bytes;
        private int size;

        Output(int capacity, int maxDepth) {
            this.bytes = new byte[capacity];
            this.maxDepth = maxDepth;
        }

        void value(Object value, int depth) {
            if (value == null) {
                append(NULL);
            } else if (value instanceof String text) {
                string(text);
            } else if (value instanceof Integer number) {
                ascii(Integer.toString(number));
            } else if (value instanceof Long number) {
                ascii(Long.toString(number));
            } else if (value instanceof Double number && Double.isFinite(number)) {
                ascii(Double.toString(number));
            } else if (value instanceof Boolean flag) {
                append(flag ? TRUE : FALSE);
            } else if (value instanceof Map<?, ?> map && isJdk(map) && depth + 1 < maxDepth) {
                map(map, depth + 1);
            } else if (value instanceof List<?> list && isJdk(list) && depth + 1 < maxDepth) {
                list(list, depth + 1);
            } else {
                throw Unsure.INSTANCE;
            }
        }

        /** An application's own map or list class may carry Jackson annotations; the JDK's carry none. */
        private static boolean isJdk(Object container) {
            return container.getClass().getName().startsWith("java.util.");
        }

        private void map(Map<?, ?> map, int depth) {
            byte separator = '{';
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String name)) {
                    throw Unsure.INSTANCE; // a null key (an error in Jackson) or another type of key
                }
                append(separator);
                string(name);
                append((byte) ':');
                value(entry.getValue(), depth);
                separator = ',';
            }
            if (separator == '{') {
                append((byte) '{');
            }
            append((byte) '}');
        }

        private void list(List<?> list, int depth) {
            byte separator = '[';
            for (Object element : list) {
                append(separator);
                value(element, depth);
                separator = ',';
            }
            if (separator == '[') {
                append((byte) '[');
            }
            append((byte) ']');
        }

        private void string(String text) {
            int length = text.length();
            ensure(length * 3 + 2); // a char is at most 3 bytes of UTF-8 here (surrogates go to Jackson)
            byte[] out = bytes;
            int at = size;
            out[at++] = '"';
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    out[at++] = (byte) c;
                } else if (c < 0x80) {
                    size = at;
                    escape(c);
                    ensure((length - i) * 3 + 1);
                    out = bytes;
                    at = size;
                } else if (c < 0x800) {
                    out[at++] = (byte) (0xC0 | c >> 6);
                    out[at++] = (byte) (0x80 | c & 0x3F);
                } else if (!Character.isSurrogate(c)) {
                    out[at++] = (byte) (0xE0 | c >> 12);
                    out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                    out[at++] = (byte) (0x80 | c & 0x3F);
                } else {
                    throw Unsure.INSTANCE; // Jackson writes a pair as two escapes, and decides about a lone one
                }
            }
            out[at++] = '"';
            size = at;
        }

        private void escape(char c) {
            byte shortForm = switch (c) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '\b' -> 'b';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\f' -> 'f';
                case '\r' -> 'r';
                default -> 0;
            };
            ensure(6);
            bytes[size++] = '\\';
            if (shortForm != 0) {
                bytes[size++] = shortForm;
                return;
            }
            bytes[size++] = 'u';
            bytes[size++] = '0';
            bytes[size++] = '0';
            bytes[size++] = HEX[c >> 4];
            bytes[size++] = HEX[c & 0xF];
        }

        private void ascii(String text) {
            int length = text.length();
            ensure(length);
            for (int i = 0; i < length; i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
        }

        private void append(byte[] word) {
            ensure(word.length);
            System.arraycopy(word, 0, bytes, size, word.length);
            size += word.length;
        }

        private void append(byte b) {
            ensure(1);
            bytes[size++] = b;
        }

        private void ensure(int more) {
            if (more > bytes.length - size) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}
