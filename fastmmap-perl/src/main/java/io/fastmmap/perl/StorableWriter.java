package io.fastmmap.perl;

import io.fastmmap.CodecException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Writes Storable's native x86-64 format (see {@link Storable#freeze}); one instance per value. */
final class StorableWriter {

    private byte[] out = new byte[256];
    private int size;
    private int nextTag;
    private final Map<Object, Integer> tags = new IdentityHashMap<>();
    /** The lists and maps PerlObjects bless: Storable gives them the object's tag, so they cannot appear bare. */
    private final Map<Object, PerlObject> blessedBodies = new IdentityHashMap<>();
    private final Map<String, Integer> classes = new HashMap<>();

    /** Where a value sits, for messages: {@code $value->{"user"}[3]}. */
    private record Where(Where parent, String step) {
        /** The path, its middle left out when it is long (a value 500 levels deep must not make a 20 KB message). */
        @Override
        public String toString() {
            List<String> steps = new ArrayList<>();
            for (Where at = this; at != null; at = at.parent) {
                steps.add(at.step);
            }
            Collections.reverse(steps);
            if (steps.size() <= 12) {
                return String.join("", steps);
            }
            return String.join("", steps.subList(0, 6)) + " ... " + String.join("", steps.subList(steps.size() - 6,
                    steps.size()));
        }
    }

    byte[] writeRoot(Object value) {
        put(Storable.NATIVE_HEADER);
        scalar(value, new Where(null, "$value"), 0);
        return Arrays.copyOf(out, size);
    }

    /** One Perl scalar: a plain value, or a reference to a hash, array or blessed thing. */
    private void scalar(Object value, Where where, int depth) {
        checkDepth(where, depth);
        if (value instanceof Map<?, ?> || value instanceof List<?> || value instanceof PerlObject) {
            nextTag++;
            put(Storable.SX_REF);
            referent(value, where, depth);
            return;
        }
        nextTag++;
        if (value == null) {
            put(Storable.SX_UNDEF);
        } else if (value instanceof Boolean b) {
            put(b ? Storable.SX_SV_YES : Storable.SX_SV_NO);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            long n = ((Number) value).longValue();
            if (n >= -128 && n <= 127) {
                put(Storable.SX_BYTE);
                put((int) n + 128);
            } else {
                put(Storable.SX_INTEGER);
                putLong(n);
            }
        } else if (value instanceof Double || value instanceof Float) {
            put(Storable.SX_DOUBLE);
            putLong(Double.doubleToRawLongBits(((Number) value).doubleValue()));
        } else if (value instanceof String text) {
            if (isAscii(text)) {
                string(Storable.SX_SCALAR, Storable.SX_LSCALAR, text.getBytes(StandardCharsets.US_ASCII));
            } else {
                string(Storable.SX_UTF8STR, Storable.SX_LUTF8STR, utf8(text, where));
            }
        } else if (value instanceof byte[] bytes) {
            string(Storable.SX_SCALAR, Storable.SX_LSCALAR, bytes);
        } else {
            throw bad(where, "is a " + value.getClass().getName() + ", which has no Perl form (use Map, List, "
                    + "String, Long, Double, Boolean, byte[], PerlObject or null)");
        }
    }

    private static void checkDepth(Where where, int depth) {
        if (depth > Storable.MAX_DEPTH) {
            throw bad(where, "is nested deeper than " + Storable.MAX_DEPTH + " levels");
        }
    }

    private void referent(Object value, Where where, int depth) {
        checkDepth(where, depth);
        Integer seen = tags.get(value);
        if (seen != null && blessedBodies.containsKey(value)) {
            throw bad(where, "is the " + (value instanceof List ? "list" : "map") + " a PerlObject blesses, met again "
                    + "unblessed; Perl blesses the array or hash itself, so refer to the PerlObject instead");
        }
        if (seen != null) {
            put(Storable.SX_OBJECT);
            putBigEndian(seen); // Storable writes tags in network order even in native data
            return;
        }
        if (value instanceof PerlObject object) {
            Integer index = classes.get(object.className());
            // Storable keeps a class name's bytes; the reader reads them as Latin-1, so the same bytes come back.
            byte[] name = object.className().chars().allMatch(c -> c <= 0xFF)
                    ? object.className().getBytes(StandardCharsets.ISO_8859_1)
                    : object.className().getBytes(StandardCharsets.UTF_8);
            if (index == null) {
                classes.put(object.className(), classes.size());
                put(Storable.SX_BLESS);
                smallLength(name.length);
                put(name);
            } else {
                put(Storable.SX_IX_BLESS);
                smallLength(index);
            }
            Object body = object.value();
            if (tags.containsKey(body)) {
                throw bad(where, "blesses a " + (body instanceof List ? "list" : "map") + " written before (bare or blessed by another "
                        + "PerlObject); "
                        + "Perl blesses the array or hash itself, so refer to this PerlObject there instead");
            }
            tags.put(object, nextTag);
            if (body instanceof Map<?, ?> || body instanceof List<?>) {
                blessedBodies.put(body, object);
                referent(body, new Where(where, " (blessed " + object.className() + ")"), depth + 1);
            } else if (body instanceof PerlObject) {
                throw bad(where, "blesses a PerlObject directly; bless a Map, List or scalar");
            } else {
                scalar(body, new Where(where, " (blessed " + object.className() + ")"), depth + 1);
            }
            return;
        }
        boolean empty = value instanceof List<?> l ? l.isEmpty() : ((Map<?, ?>) value).isEmpty();
        if (!empty) { // List.of() and Map.of() are singletons: two of them are not one Perl array or hash
            tags.put(value, nextTag);
        }
        nextTag++;
        if (value instanceof List<?> list) {
            put(Storable.SX_ARRAY);
            putInt(list.size());
            int i = 0;
            for (Object item : list) {
                scalar(item, new Where(where, "[" + i++ + "]"), depth + 1);
            }
            return;
        }
        Map<?, ?> map = (Map<?, ?>) value;
        boolean ascii = true;
        for (Object key : map.keySet()) {
            if (!(key instanceof String text)) {
                throw bad(where, "has a key " + key + " of type " + (key == null ? "null" : key.getClass().getName())
                        + "; Perl hash keys are strings");
            }
            ascii &= isAscii(text);
        }
        put(ascii ? Storable.SX_HASH : Storable.SX_FLAG_HASH);
        if (!ascii) {
            put(0); // hash flags: not restricted
        }
        putInt(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = (String) entry.getKey();
            scalar(entry.getValue(), new Where(where, "->{\"" + key + "\"}"), depth + 1);
            boolean keyAscii = isAscii(key);
            if (!ascii) {
                put(keyAscii ? 0 : Storable.SHV_K_UTF8);
            }
            byte[] keyBytes = keyAscii ? key.getBytes(StandardCharsets.US_ASCII) : utf8(key, where);
            putInt(keyBytes.length);
            put(keyBytes);
        }
    }

    private void string(int shortOpcode, int longOpcode, byte[] bytes) {
        if (bytes.length <= 255) {
            put(shortOpcode);
            put(bytes.length);
        } else {
            put(longOpcode);
            putInt(bytes.length);
        }
        put(bytes);
    }

    private void smallLength(int length) {
        if (length <= 127) {
            put(length);
        } else {
            put(0x80);
            putInt(length);
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] utf8(String text, Where where) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(text));
            return Arrays.copyOf(encoded.array(), encoded.limit());
        } catch (CharacterCodingException e) {
            throw bad(where, "holds a string that is not valid Unicode (a lone surrogate)");
        }
    }

    private static CodecException bad(Where where, String what) {
        return new CodecException("Storable: cannot freeze: " + where + " " + what + ".");
    }

    private void put(int b) {
        ensure(1);
        out[size++] = (byte) b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, out, size, bytes.length);
        size += bytes.length;
    }

    private void putInt(int value) { // native little-endian, as freeze writes lengths on x86-64
        ensure(4);
        for (int i = 0; i < 4; i++) {
            out[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void putBigEndian(int value) {
        putInt(Integer.reverseBytes(value));
    }

    private void putLong(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            out[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void ensure(int more) {
        if (size + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }
}
