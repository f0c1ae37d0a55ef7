package io.fastmmap.perl;

import io.fastmmap.CodecException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Perl's Storable format (Storable 3.x, as Perl 5.36 writes it), for values Perl and Java share: what
 * Cache::FastMmap's default {@code serializer => 'storable'} and Catalyst's session store keep in the file.
 *
 * <table>
 *   <caption>Perl values and their Java types</caption>
 *   <tr><th>Perl</th><th>Java</th></tr>
 *   <tr><td>hash (a hashref)</td><td>{@code Map<String, Object>}, insertion-ordered</td></tr>
 *   <tr><td>array (an arrayref)</td><td>{@code List<Object>}</td></tr>
 *   <tr><td>text: a UTF-8-flagged string, or a byte string of printable Latin-1 characters</td><td>{@code String}</td></tr>
 *   <tr><td>a byte string with other bytes (binary)</td><td>{@code byte[]}</td></tr>
 *   <tr><td>integer</td><td>{@code Long} (a Java {@code Integer}, {@code Short} or {@code Byte} is written as one)</td></tr>
 *   <tr><td>floating-point number</td><td>{@code Double} ({@code Float} is written as one)</td></tr>
 *   <tr><td>{@code undef}</td><td>{@code null}</td></tr>
 *   <tr><td>{@code !!1}, {@code !!0} (PL_sv_yes/no, Storable's booleans)</td><td>{@code Boolean}</td></tr>
 *   <tr><td>a blessed reference</td><td>{@link PerlObject}: the class name and the blessed thing</td></tr>
 * </table>
 *
 * <p>References to hashes and arrays are the maps and lists themselves (Java has no other reference); a hash or
 * array referenced twice, or from inside itself, is one Java object, and is written back as one. A reference to a
 * plain scalar reads as the scalar. Code references, tied containers, regexps, v-strings and objects frozen by a
 * {@code STORABLE_freeze} hook have no Java form: reading one throws {@link CodecException} naming it, and so does
 * writing a Java type with no Perl form.
 *
 * <p>Input is untrusted: every length and count is checked against the bytes that remain before anything is
 * allocated, and nesting deeper than {@value #MAX_DEPTH} is refused, so truncated or hostile input raises
 * {@link CodecException}, never an {@link OutOfMemoryError} or {@link StackOverflowError} (the deepest value read or
 * written needs less than 256 KiB of stack, a quarter of a thread's default). Nesting is counted as Java sees it (a
 * list or map is one level, a {@link PerlObject} and its body two), alike when reading and writing, so whatever is
 * read can be written back and read again.
 */
public final class Storable {

    /** The deepest nesting read or written: far beyond what sessions and caches hold, well within a thread's stack. */
    public static final int MAX_DEPTH = 128;

    /** The header of Perl's {@code freeze} on x86-64 Linux: Storable 2.11, byte order "12345678", sizes 4/8/8/8. */
    static final byte[] NATIVE_HEADER = {
        0x04, 0x0B, 0x08, '1', '2', '3', '4', '5', '6', '7', '8', 0x04, 0x08, 0x08, 0x08,
    };

    static final int SX_OBJECT = 0;
    static final int SX_LSCALAR = 1;
    static final int SX_ARRAY = 2;
    static final int SX_HASH = 3;
    static final int SX_REF = 4;
    static final int SX_UNDEF = 5;
    static final int SX_INTEGER = 6;
    static final int SX_DOUBLE = 7;
    static final int SX_BYTE = 8;
    static final int SX_NETINT = 9;
    static final int SX_SCALAR = 10;
    static final int SX_SV_UNDEF = 14;
    static final int SX_SV_YES = 15;
    static final int SX_SV_NO = 16;
    static final int SX_BLESS = 17;
    static final int SX_IX_BLESS = 18;
    static final int SX_HOOK = 19;
    static final int SX_OVERLOAD = 20;
    static final int SX_UTF8STR = 23;
    static final int SX_LUTF8STR = 24;
    static final int SX_FLAG_HASH = 25;
    static final int SX_CODE = 26;
    static final int SX_WEAKREF = 27;
    static final int SX_WEAKOVERLOAD = 28;
    static final int SX_SVUNDEF_ELEM = 31;
    static final int SX_BOOLEAN_TRUE = 34;
    static final int SX_BOOLEAN_FALSE = 35;

    static final int SHV_K_UTF8 = 0x01;
    static final int SHV_K_WASUTF8 = 0x02;
    static final int SHV_K_ISSV = 0x08;

    private static final String[] NAMES = {
        "SX_OBJECT", "SX_LSCALAR", "SX_ARRAY", "SX_HASH", "SX_REF", "SX_UNDEF", "SX_INTEGER", "SX_DOUBLE", "SX_BYTE",
        "SX_NETINT", "SX_SCALAR", "SX_TIED_ARRAY (a tied array)", "SX_TIED_HASH (a tied hash)",
        "SX_TIED_SCALAR (a tied scalar)", "SX_SV_UNDEF", "SX_SV_YES", "SX_SV_NO", "SX_BLESS", "SX_IX_BLESS",
        "SX_HOOK (an object frozen by its STORABLE_freeze hook)", "SX_OVERLOAD", "SX_TIED_KEY (a tied hash element)",
        "SX_TIED_IDX (a tied array element)", "SX_UTF8STR", "SX_LUTF8STR", "SX_FLAG_HASH",
        "SX_CODE (a code reference)", "SX_WEAKREF", "SX_WEAKOVERLOAD", "SX_VSTRING (a v-string)",
        "SX_LVSTRING (a v-string)", "SX_SVUNDEF_ELEM", "SX_REGEXP (a regular expression)",
        "SX_LOBJECT (an object over 2 GiB)", "SX_BOOLEAN_TRUE", "SX_BOOLEAN_FALSE",
    };

    private Storable() {
    }

    /**
     * Reads what Perl's {@code freeze(\$value)} or {@code nfreeze(\$value)} wrote (Cache::FastMmap's storable
     * serializer) and returns {@code $value}; a root that is a hash or array itself ({@code freeze(\%hash)}) is
     * returned as the map or list.
     *
     * @param bytes Storable's in-memory format, starting with its header
     * @return the value, in the types of the table above
     * @throws CodecException when the bytes are not Storable data Java can represent, naming what and where
     */
    public static Object thaw(byte[] bytes) {
        return new StorableReader(bytes).readRoot();
    }

    /**
     * Writes what Perl's {@code freeze(\$value)} writes on x86-64 Linux (native byte order, the header
     * {@code 04 0B 08 "12345678" 04 08 08 08}), which Perl's {@code thaw} and Cache::FastMmap's storable
     * serializer read back as {@code $value}.
     *
     * @param value a value of the types of the table above (maps need {@code String} keys)
     * @return the frozen bytes
     * @throws CodecException when the value (or something inside it) has no Perl form, naming it and its path
     */
    public static byte[] freeze(Object value) {
        return new StorableWriter().writeRoot(value);
    }

    static String opcodeName(int opcode) {
        return opcode < NAMES.length ? NAMES[opcode] : "opcode " + opcode;
    }

    /** Reader state for one input. */
    private static final class StorableReader {
        private final ByteBuffer in;
        private final List<Object> seen = new ArrayList<>();
        private final List<String> classes = new ArrayList<>();
        private boolean network;

        StorableReader(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        Object readRoot() {
            readHeader();
            Object root = read(0, 0, null);
            if (in.hasRemaining()) {
                throw bad(in.remaining() + " bytes follow the frozen value");
            }
            return root;
        }

        private void readHeader() {
            int first = u8("the header");
            int major = first >> 1;
            network = (first & 1) != 0;
            if (major != 2) {
                throw bad("Storable format major version " + major + " (byte 0x" + Integer.toHexString(first)
                        + "): not Storable data of Perl 5.8 or later, or not Storable data at all");
            }
            u8("the minor version");
            if (network) {
                in.order(ByteOrder.BIG_ENDIAN);
                return;
            }
            int orderLength = u8("the byte-order length");
            byte[] order = bytes(orderLength, "the byte order");
            String byteOrder = new String(order, StandardCharsets.ISO_8859_1);
            int intSize = u8("sizeof(int)");
            int longSize = u8("sizeof(long)");
            int pointerSize = u8("sizeof(char *)");
            int nvSize = u8("sizeof(NV)");
            if (!byteOrder.equals("12345678") || intSize != 4 || longSize != 8 || pointerSize != 8 || nvSize != 8) {
                throw bad("native Storable data of another platform (byte order " + byteOrder + ", sizes " + intSize
                        + "/" + longSize + "/" + pointerSize + "/" + nvSize + "); only x86-64/little-endian 64-bit "
                        + "data, or nfreeze's network order, can be read");
            }
            in.order(ByteOrder.LITTLE_ENDIAN);
        }

        /**
         * @param depth the Java nesting (lists, maps, blessings), counted as {@link StorableWriter} counts it, so
         *     whatever is read can be written and read again
         * @param frames opcodes open above this one: a reference costs a frame but no depth, so chains of
         *     references are bounded too; the writer spends at most two frames per level
         * @param blessAs the class an array or hash is blessed into (SX_BLESS before it), else null: the container is
         *     remembered as the {@link PerlObject} before its items are read, so an item referring back to it (a
         *     blessed object holding itself) gets the object, as in Perl
         */
        private Object read(int depth, int frames, String blessAs) {
            if (depth > MAX_DEPTH || frames > 2 * MAX_DEPTH + 1) {
                throw bad("nesting deeper than " + MAX_DEPTH);
            }
            int at = in.position();
            int opcode = u8("an opcode");
            switch (opcode) {
                case SX_OBJECT -> {
                    int tag = in.order() == ByteOrder.BIG_ENDIAN ? i32("a tag") : Integer.reverseBytes(i32("a tag"));
                    if (tag < 0 || tag >= seen.size() || seen.get(tag) == PENDING) {
                        throw bad("a reference to object #" + tag + " at byte " + at + ", of " + seen.size()
                                + " read so far");
                    }
                    return seen.get(tag);
                }
                case SX_REF, SX_OVERLOAD, SX_WEAKREF, SX_WEAKOVERLOAD -> {
                    int tag = remember(PENDING);
                    Object target = read(depth, frames + 1, null);
                    seen.set(tag, target);
                    return target;
                }
                case SX_ARRAY -> {
                    int count = count(1, "array");
                    List<Object> list = new ArrayList<>(count);
                    Object self = blessed(list, blessAs);
                    seen.add(self);
                    for (int i = 0; i < count; i++) {
                        list.add(read(depth + 1, frames + 1, null));
                    }
                    return self;
                }
                case SX_HASH -> {
                    int count = count(5, "hash");
                    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, count * 4 / 3 + 1));
                    Object self = blessed(map, blessAs);
                    seen.add(self);
                    for (int i = 0; i < count; i++) {
                        Object value = read(depth + 1, frames + 1, null);
                        map.put(latin1(bytes(length("a hash key"), "a hash key")), value);
                    }
                    return self;
                }
                case SX_FLAG_HASH -> {
                    u8("the hash flags");
                    int count = count(6, "hash");
                    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, count * 4 / 3 + 1));
                    Object self = blessed(map, blessAs);
                    seen.add(self);
                    for (int i = 0; i < count; i++) {
                        Object value = read(depth + 1, frames + 1, null);
                        int flags = u8("a hash key's flags");
                        if ((flags & SHV_K_ISSV) != 0) {
                            throw bad("a hash key stored as a Perl object (a restricted hash's placeholder)");
                        }
                        byte[] key = bytes(length("a hash key"), "a hash key");
                        map.put((flags & SHV_K_UTF8) != 0 ? utf8(key) : latin1(key), value);
                    }
                    return self;
                }
                case SX_BLESS, SX_IX_BLESS -> {
                    String className;
                    if (opcode == SX_BLESS) {
                        className = latin1(bytes(smallLength("a class name"), "a class name"));
                        if (className.isEmpty()) {
                            throw bad("an empty class name at byte " + at);
                        }
                        classes.add(className);
                    } else {
                        int index = smallLength("a class index");
                        if (index >= classes.size()) {
                            throw bad("class #" + index + " at byte " + at + ", of " + classes.size() + " named");
                        }
                        className = classes.get(index);
                    }
                    need(1, "the blessed thing");
                    int body = in.get(in.position()) & 0xFF;
                    if (body == SX_ARRAY || body == SX_HASH || body == SX_FLAG_HASH) {
                        return read(depth + 1, frames + 1, className);
                    }
                    if (body == SX_OBJECT || body == SX_BLESS || body == SX_IX_BLESS) {
                        // Perl blesses the thing itself: it is stored blessed where it is first met, never later
                        throw bad("a blessing of " + (body == SX_OBJECT ? "something read before" : "a blessed thing")
                                + ", at byte " + at);
                    }
                    if (body == SX_REF || body == SX_OVERLOAD || body == SX_WEAKREF || body == SX_WEAKOVERLOAD) {
                        throw bad("a blessed reference to a reference (bless \\\\$x) at byte " + at
                                + ": it has no Java form (a PerlObject blesses a hash, an array or a plain scalar)");
                    }
                    int tag = seen.size();
                    Object value = read(depth + 1, frames + 1, null);
                    if (value instanceof PerlObject) {
                        throw bad("a blessed thing blessed again, at byte " + at);
                    }
                    PerlObject object = new PerlObject(className, value);
                    seen.set(tag, object); // later references to the blessed thing get the object
                    return object;
                }
                case SX_UNDEF, SX_SV_UNDEF, SX_SVUNDEF_ELEM -> {
                    return remember(null, null);
                }
                case SX_SV_YES, SX_BOOLEAN_TRUE -> {
                    return remember(Boolean.TRUE, Boolean.TRUE);
                }
                case SX_SV_NO, SX_BOOLEAN_FALSE -> {
                    return remember(Boolean.FALSE, Boolean.FALSE);
                }
                case SX_BYTE -> {
                    long value = u8("a byte integer") - 128L;
                    return remember(value, value);
                }
                case SX_INTEGER -> {
                    need(8, "an integer");
                    long value = in.getLong();
                    return remember(value, value);
                }
                case SX_NETINT -> {
                    long value = i32BigEndian();
                    return remember(value, value);
                }
                case SX_DOUBLE -> {
                    need(8, "a double");
                    double value = in.getDouble();
                    return remember(value, value);
                }
                case SX_SCALAR, SX_LSCALAR -> {
                    int length = opcode == SX_SCALAR ? u8("a string length") : length("a string");
                    Object value = text(bytes(length, "a string"));
                    return remember(value, value);
                }
                case SX_UTF8STR, SX_LUTF8STR -> {
                    int length = opcode == SX_UTF8STR ? u8("a string length") : length("a string");
                    String value = utf8(bytes(length, "a string"));
                    return remember(value, value);
                }
                default -> throw bad(opcodeName(opcode) + " at byte " + at + ": it has no Java form"
                        + (opcode == SX_HOOK ? " (the class's STORABLE_thaw runs only in Perl)" : ""));
            }
        }

        private static final Object PENDING = new Object();

        private int remember(Object value) {
            seen.add(value);
            return seen.size() - 1;
        }

        private static Object blessed(Object container, String blessAs) {
            return blessAs == null ? container : new PerlObject(blessAs, container);
        }

        private Object remember(Object value, Object result) {
            seen.add(value);
            return result;
        }

        /** A count of items, each at least {@code minItemBytes} long: bounded by the input that remains. */
        private int count(int minItemBytes, String what) {
            int count = length("a " + what + " size");
            if ((long) count * minItemBytes > in.remaining()) {
                throw bad("a " + what + " of " + count + " items in " + in.remaining() + " remaining bytes");
            }
            return count;
        }

        private int length(String what) {
            int length = i32(what);
            if (length < 0) {
                throw bad("a negative length " + length + " of " + what);
            }
            return length;
        }

        /** Storable's class-name length or index: one byte, or 0x80 and a 4-byte length. */
        private int smallLength(String what) {
            int length = u8(what);
            return (length & 0x80) == 0 ? length : length(what);
        }

        private int u8(String what) {
            need(1, what);
            return in.get() & 0xFF;
        }

        private int i32(String what) {
            need(4, what);
            return in.getInt();
        }

        private long i32BigEndian() {
            need(4, "an integer");
            int value = in.getInt();
            return in.order() == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value);
        }

        private byte[] bytes(int length, String what) {
            need(length, what);
            byte[] out = new byte[length];
            in.get(out);
            return out;
        }

        private void need(int length, String what) {
            if (length > in.remaining()) {
                throw bad("the input ends inside " + what + " at byte " + in.position() + " (" + length
                        + " bytes needed, " + in.remaining() + " left): truncated or not Storable data");
            }
        }

        private String utf8(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw bad("a string marked UTF-8 that is not valid UTF-8, before byte " + in.position());
            }
        }

        private CodecException bad(String what) {
            return new CodecException("Storable: cannot thaw: " + what + ".");
        }
    }

    /** @return a String for printable Latin-1 text (tab, CR and LF included), else the bytes */
    static Object text(byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7F && c < 0xA0) {
                return bytes;
            }
        }
        return latin1(bytes);
    }

    static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

}
