package io.fastmmap.codecs;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads UTF-8 JSON straight from the bytes into the tree a default {@code ObjectMapper} builds for {@code Object},
 * {@code Map<String, Object>} or {@code List<Object>}: {@code LinkedHashMap} in document order (of duplicate names
 * the last value wins, in the first one's place), {@code ArrayList}, {@code String}, {@code Integer}, {@code Long}
 * or {@code BigInteger} (the smallest that holds the integer), {@code Double}, {@code Boolean}, {@code null}. Jackson
 * spends most of a session read in its tokenizer; this reader has none, and keeps the session's attribute names in
 * a {@link JsonKeyCache}.
 *
 * <p>It answers only where it is sure to give what Jackson gives: an object or array root (as the type wants) of
 * strict JSON (no comments, no leading zeros, no {@code NaN}, only the four JSON whitespace bytes), strictly valid
 * UTF-8 (a U+FFFD in a string, real or from a bad byte, counts as unsure), nothing but whitespace after the root,
 * and every length and the nesting depth below Jackson's {@link StreamReadConstraints} and {@link #MAX_DEPTH}. For
 * anything else {@link #read} returns {@link #UNSURE} and the codec asks Jackson, whose value or error is then the
 * answer: this reader has no errors of its own, so a damaged entry reads as Jackson reports it.
 */
final class JsonTreeReader {
    /** What {@link #read} returns where Jackson must decide. */
    static final Object UNSURE = new Object();
    /** Deeper documents go to Jackson: this reader recurses, a frame per level. */
    static final int MAX_DEPTH = 100;
    /** {@link #root} for the type {@code Object}: an object or an array. */
    private static final byte ANY_ROOT = 0;

    private final byte root;
    private final int maxDepth;
    private final int maxNumberChars;
    private final int maxStringBytes;
    private final int maxNameBytes;
    private final long maxDocumentBytes;
    final JsonKeyCache names = new JsonKeyCache();

    private JsonTreeReader(byte root, StreamReadConstraints limits) {
        this.root = root;
        // Each limit is kept strictly below Jackson's: a length that reaches one is Jackson's to accept or reject.
        this.maxDepth = Math.min(MAX_DEPTH, limits.getMaxNestingDepth());
        this.maxNumberChars = limits.getMaxNumberLength();
        this.maxStringBytes = limits.getMaxStringLength();
        this.maxNameBytes = limits.getMaxNameLength();
        this.maxDocumentBytes = limits.getMaxDocumentLength() > 0 ? limits.getMaxDocumentLength() : Long.MAX_VALUE;
    }

    /**
     * @return a reader for the codec of a mapper that nobody but the codec can configure, or null where only
     *         Jackson reads (another type, a token count limit, a Jackson older than this reader knows)
     */
    static JsonTreeReader forOwnMapper(ObjectMapper mapper, JavaType type) {
        byte root;
        if (type.getRawClass() == Object.class) {
            root = ANY_ROOT;
        } else if (type.getClass() == MapType.class
                && (type.getRawClass() == Map.class || type.getRawClass() == LinkedHashMap.class)
                && (type.getKeyType().getRawClass() == String.class || type.getKeyType().getRawClass() == Object.class)
                && type.getContentType().getRawClass() == Object.class) {
            root = '{';
        } else if (type.getClass() == CollectionType.class
                && (type.getRawClass() == List.class || type.getRawClass() == ArrayList.class)
                && type.getContentType().getRawClass() == Object.class) {
            root = '[';
        } else {
            return null;
        }
        try {
            return forConstraints(root, mapper.getFactory().streamReadConstraints());
        } catch (LinkageError olderJackson) { // StreamReadConstraints came in 2.15, its token count in 2.18
            return null;
        }
    }

    /** Package-private for tests with other limits than the defaults. */
    static JsonTreeReader forConstraints(byte root, StreamReadConstraints limits) {
        // Counting tokens as Jackson counts them is not worth it for a limit that is off unless set.
        return limits.getMaxTokenCount() > 0 ? null : new JsonTreeReader(root, limits);
    }

    /** @return the tree, or {@link #UNSURE} where Jackson must read these bytes for its value or its error */
    Object read(byte[] bytes) {
        if (bytes == null || bytes.length >= maxDocumentBytes) {
            return UNSURE;
        }
        try {
            return new Cursor(this, bytes).root();
        } catch (Unsure unsure) {
            return UNSURE;
        }
    }

    /** Thrown, without a stack, at the first byte this reader is not sure about; never leaves {@link #read}. */
    private static final class Unsure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    /** One read: the bytes and where in them it is. */
    private static final class Cursor {
        private static final VarHandle LONG_LITTLE_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.LITTLE_ENDIAN);
        private static final long ONES = 0x0101010101010101L;
        private static final long HIGH_BITS = 0x8080808080808080L;
        private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
        private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
        private static final byte[] NULL = {'n', 'u', 'l', 'l'};
        private static final int MAX_LONG_DIGITS = 18;

        private final JsonTreeReader reader;
        private final byte[] bytes;
        private int position;
        private int depth;
        /** Whether the run of string bytes {@link #scan} last went over has a byte above 0x7F. */
        private boolean nonAscii;

        Cursor(JsonTreeReader reader, byte[] bytes) {
            this.reader = reader;
            this.bytes = bytes;
        }

        Object root() {
            byte first = nextNonWhitespace();
            if (first != '{' && first != '[' || reader.root != ANY_ROOT && first != reader.root) {
                throw Unsure.INSTANCE; // a scalar or null root, or the wrong kind: Jackson's value or error
            }
            Object value = first == '{' ? object(0) : array();
            while (position < bytes.length && isWhitespace(bytes[position])) {
                position++;
            }
            if (position != bytes.length) {
                throw Unsure.INSTANCE; // Jackson ignores what follows the root by default, or fails on it
            }
            return value;
        }

        private Object value() {
            switch (bytes[position]) {
                case '"':
                    return string(false);
                case '{':
                    return object(0);
                case '[':
                    return array();
                case 't':
                    return literal(TRUE, Boolean.TRUE);
                case 'f':
                    return literal(FALSE, Boolean.FALSE);
                case 'n':
                    return literal(NULL, null);
                default:
                    return number();
            }
        }

        /** @param expectedEntries how many the object likely has, for the map's capacity (which no reader sees) */
        private Map<String, Object> object(int expectedEntries) {
            enter();
            // As HashMap's load factor of 0.75 needs, so that the expected entries fit without a resize.
            Map<String, Object> map = expectedEntries == 0 ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(expectedEntries + (expectedEntries + 2) / 3);
            byte next = nextNonWhitespace();
            if (next == '}') {
                position++;
                depth--;
                return map;
            }
            while (true) {
                if (next != '"') {
                    throw Unsure.INSTANCE; // also a trailing comma, which Jackson rejects by default
                }
                String name = string(true);
                if (nextNonWhitespace() != ':') {
                    throw Unsure.INSTANCE;
                }
                position++;
                nextNonWhitespace();
                map.put(name, value()); // a duplicate name: the last value, in the first one's place, as Jackson
                next = nextNonWhitespace();
                position++;
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw Unsure.INSTANCE;
                }
                next = nextNonWhitespace();
            }
            depth--;
            return map;
        }

        private List<Object> array() {
            enter();
            List<Object> list = new ArrayList<>();
            byte next = nextNonWhitespace();
            if (next == ']') {
                position++;
                depth--;
                return list;
            }
            int siblingEntries = 0; // an array's objects are mostly records of one shape: the last one's size
            while (true) {
                if (bytes[position] == '{') {
                    Map<String, Object> element = object(siblingEntries);
                    siblingEntries = element.size();
                    list.add(element);
                } else {
                    list.add(value());
                }
                next = nextNonWhitespace();
                position++;
                if (next == ']') {
                    break;
                }
                if (next != ',') {
                    throw Unsure.INSTANCE;
                }
                nextNonWhitespace();
            }
            depth--;
            return list;
        }

        /** At a '{' or '['. */
        private void enter() {
            position++;
            if (++depth >= reader.maxDepth) {
                throw Unsure.INSTANCE;
            }
        }

        private Object literal(byte[] word, Object value) {
            if (bytes.length - position < word.length) {
                throw Unsure.INSTANCE;
            }
            for (int i = 1; i < word.length; i++) {
                if (bytes[position + i] != word[i]) {
                    throw Unsure.INSTANCE;
                }
            }
            position += word.length; // what follows ("truex") is checked by the caller's grammar
            return value;
        }

        /** JSON's number grammar exactly: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
        private Object number() {
            int start = position;
            boolean negative = bytes[position] == '-';
            if (negative) {
                position++;
            }
            int digitsStart = position;
            long significand = digits(0); // all digits, before and after a point
            int integerDigits = position - digitsStart;
            if (integerDigits == 0 || integerDigits > 1 && bytes[digitsStart] == '0') {
                throw Unsure.INSTANCE; // not a number, or a leading zero
            }
            int fractionDigits = 0;
            boolean floatingPoint = false;
            if (position < bytes.length && bytes[position] == '.') {
                int fractionStart = ++position;
                significand = digits(significand);
                fractionDigits = atLeastOneDigit(fractionStart);
                floatingPoint = true;
            }
            long exponent = 0;
            int exponentDigits = 0;
            if (position < bytes.length && (bytes[position] | 0x20) == 'e') {
                position++;
                boolean negativeExponent = position < bytes.length && bytes[position] == '-';
                if (negativeExponent || position < bytes.length && bytes[position] == '+') {
                    position++;
                }
                int exponentStart = position;
                exponent = digits(0);
                exponentDigits = atLeastOneDigit(exponentStart);
                exponent = negativeExponent ? -exponent : exponent;
                floatingPoint = true;
            }
            int length = position - start;
            if (length >= reader.maxNumberChars) {
                throw Unsure.INSTANCE;
            }
            if (floatingPoint) {
                int significandDigits = integerDigits + fractionDigits;
                if (significandDigits > MAX_LONG_DIGITS) { // 0.001 to 1 in Java's shortest text has 20 digits
                    significandDigits -= leadingZeros(digitsStart);
                }
                boolean exact = significandDigits <= MAX_LONG_DIGITS && exponentDigits <= MAX_LONG_DIGITS;
                return exact ? decimal(start, negative, significand, exponent - fractionDigits) : parseDouble(start);
            }
            if (integerDigits <= MAX_LONG_DIGITS) {
                long value = negative ? -significand : significand;
                return value == (int) value ? (Object) (int) value : (Object) value;
            }
            BigInteger value = new BigInteger(new String(bytes, start, length, StandardCharsets.ISO_8859_1));
            return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
        }

        /**
         * @return the digits from {@link #position} on, which it moves past, appended to {@code value}: it wraps past
         *         {@link #MAX_LONG_DIGITS} digits in all, where the caller does not use it
         */
        private long digits(long value) {
            for (int digit; position < bytes.length && (digit = bytes[position] - '0') >= 0 && digit <= 9; position++) {
                value = value * 10 + digit;
            }
            return value;
        }

        /** @return how many of the digits from {@code digitsStart} on are zeros before the first other digit */
        private int leadingZeros(int digitsStart) {
            int zeros = 0;
            for (int i = digitsStart; i < position && (bytes[i] == '0' || bytes[i] == '.'); i++) {
                zeros += bytes[i] == '0' ? 1 : 0;
            }
            return zeros;
        }

        /** @return how many digits {@link #digits} went over since {@code start}, which must be one or more */
        private int atLeastOneDigit(int start) {
            if (position == start) {
                throw Unsure.INSTANCE;
            }
            return position - start;
        }

        /**
         * A number with a point or an exponent, {@code significand * 10^exponent10} with a significand of at most
         * {@link #MAX_LONG_DIGITS} digits: the double Jackson makes of it, which is {@code Double.parseDouble} of the
         * text, the correctly rounded double; {@link JsonDecimals} computes that one where it can be sure.
         */
        private Object decimal(int start, boolean negative, long significand, long exponent10) {
            double magnitude = JsonDecimals.toDouble(significand, exponent10);
            if (Double.isNaN(magnitude)) {
                return parseDouble(start);
            }
            return negative ? -magnitude : magnitude; // rounding to nearest is symmetric; 0 becomes -0.0
        }

        /** As Jackson: {@code Double.parseDouble} of the number's text, infinite beyond the double range. */
        private Object parseDouble(int start) {
            return Double.parseDouble(new String(bytes, start, position - start, StandardCharsets.ISO_8859_1));
        }

        /** A value, or an object's name (read from {@link JsonKeyCache} when ASCII without escapes). */
        private String string(boolean name) {
            int start = position + 1;
            int end = scan(start);
            int maxBytes = name ? reader.maxNameBytes : reader.maxStringBytes;
            if (bytes[end] == '\\') {
                return escaped(start, end, maxBytes, name);
            }
            if (end - start >= maxBytes) {
                throw Unsure.INSTANCE;
            }
            position = end + 1;
            return name && !nonAscii ? reader.names.name(bytes, start, end) : decode(start, end);
        }

        /**
         * @return the index of the first quote or backslash from {@code from}, with {@link #nonAscii} set for the
         *         bytes before it
         * @throws Unsure at a control byte (Jackson rejects it unescaped) or the end of the bytes
         */
        private int scan(int from) {
            long seen = 0; // the bytes passed, or-ed: their high bits say whether any is not ASCII
            int i = from;
            for (; i <= bytes.length - Long.BYTES; i += Long.BYTES) {
                long word = (long) LONG_LITTLE_ENDIAN.get(bytes, i);
                long special = specialBytes(word);
                if (special != 0) {
                    int before = Long.numberOfTrailingZeros(special) >>> 3; // bytes of the word before the first
                    seen |= word & ~(-1L << (before << 3));
                    return stop(i + before, seen);
                }
                seen |= word;
            }
            for (; i < bytes.length; i++) { // the last few bytes of the document, one at a time
                byte b = bytes[i];
                if (b == '"' || b == '\\' || b >= 0 && b < 0x20) {
                    return stop(i, seen);
                }
                seen |= b & 0xFF;
            }
            throw Unsure.INSTANCE;
        }

        /** @return {@code at}, where {@link #scan} found a quote or backslash (or threw at a control byte) */
        private int stop(int at, long seen) {
            byte b = bytes[at];
            if (b != '"' && b != '\\') {
                throw Unsure.INSTANCE;
            }
            nonAscii = (seen & HIGH_BITS) != 0;
            return at;
        }

        /**
         * "Has a zero byte" tests for a quote, a backslash and a control byte in 8 bytes: the high bit of each byte
         * that may be one. The lowest such bit is exact (a borrow only moves up, from a byte that is one of them;
         * a byte of 0x80 and up is none of them and cannot make the subtraction borrow), so it marks the first.
         */
        private static long specialBytes(long word) {
            long quote = word ^ 0x2222222222222222L;
            long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
            long zeroQuote = (quote - ONES) & ~quote;
            long zeroBackslash = (backslash - ONES) & ~backslash;
            long belowSpace = (word - 0x20 * ONES) & ~word;
            return (zeroQuote | zeroBackslash | belowSpace) & HIGH_BITS;
        }

        /**
         * A string with escapes: runs of plain bytes between them, each decoded on its own. In a value Jackson keeps
         * an escaped surrogate as it is, paired or not; in a name it checks the pairs, so there they are its call.
         */
        private String escaped(int start, int firstEscape, int maxBytes, boolean name) {
            StringBuilder text = new StringBuilder(firstEscape - start + 16);
            text.append(decode(start, firstEscape));
            int i = firstEscape;
            while (bytes[i] == '\\') {
                if (bytes.length - i < 2) {
                    throw Unsure.INSTANCE;
                }
                byte kind = bytes[i + 1];
                i += 2;
                switch (kind) {
                    case '"', '\\', '/' -> text.append((char) kind);
                    case 'b' -> text.append('\b');
                    case 'f' -> text.append('\f');
                    case 'n' -> text.append('\n');
                    case 'r' -> text.append('\r');
                    case 't' -> text.append('\t');
                    case 'u' -> {
                        char c = hexChar(i);
                        if (name && Character.isSurrogate(c)) {
                            throw Unsure.INSTANCE;
                        }
                        text.append(c);
                        i += 4;
                    }
                    default -> throw Unsure.INSTANCE; // Jackson rejects other escapes by default
                }
                int end = scan(i);
                text.append(decode(i, end));
                i = end;
            }
            if (i - start >= maxBytes) { // the String has at most as many chars as the bytes it came from
                throw Unsure.INSTANCE;
            }
            position = i + 1;
            return text.toString();
        }

        private char hexChar(int at) {
            if (bytes.length - at < 4) {
                throw Unsure.INSTANCE;
            }
            int value = 0;
            for (int i = at; i < at + 4; i++) {
                int b = bytes[i];
                int lower = b | 0x20;
                int digit = b >= '0' && b <= '9' ? b - '0' : lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
                if (digit < 0) {
                    throw Unsure.INSTANCE;
                }
                value = value << 4 | digit;
            }
            return (char) value;
        }

        /** The bytes {@link #scan} last went over, which have no quote, backslash or control byte. */
        private String decode(int start, int end) {
            if (!nonAscii) {
                return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
            }
            // The JDK replaces every malformed sequence (overlong, surrogate, cut short) with U+FFFD.
            String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            if (text.indexOf('\uFFFD') >= 0) {
                throw Unsure.INSTANCE;
            }
            return text;
        }

        /** @return the byte at the next non-whitespace position, which it moves to */
        private byte nextNonWhitespace() {
            while (position < bytes.length) {
                byte b = bytes[position];
                if (!isWhitespace(b)) {
                    return b;
                }
                position++;
            }
            throw Unsure.INSTANCE;
        }

        private static boolean isWhitespace(byte b) {
            return b <= ' ' && (b == ' ' || b == '\n' || b == '\r' || b == '\t'); // most bytes are above ' '
        }
    }
}
