package io.fastmmap.cli;

import io.fastmmap.CodecException;
import io.fastmmap.perl.PerlObject;
import io.fastmmap.perl.Storable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the commands say about, and show of, a Cache::FastMmap (Perl) file. */
final class PerlFiles {
    /** Storable's {@code freeze} output in native order on x86-64 Linux: major 2, minor 11, then the byte order. */
    private static final byte[] STORABLE_START = {0x04, 0x0B};

    private PerlFiles() {
    }

    /** The message of a command that works on fastmmap files only, given a Perl file. */
    static String notHere(Path file) {
        return file + " is a Cache::FastMmap (Perl) cache file; this command works on fastmmap files only. It was "
                + "left untouched. On a Perl file use info, stats, watch, keys, get, set, rm, clear, purge or verify";
    }

    /** What to do about a damaged Cache::FastMmap file: Perl's own remedy, as fastmmap changes no Perl page it doubts. */
    static String repairAdvice() {
        return "Perl re-initialises damaged pages when a process opens the file with Cache::FastMmap's test_file => 1 "
                + "(their entries are lost); or delete the file when no process has it open";
    }

    /** @return true when the value looks like Storable's {@code freeze} output, Cache::FastMmap's default serializer */
    static boolean looksStorable(byte[] value) {
        return value.length > STORABLE_START.length && value[0] == STORABLE_START[0] && value[1] == STORABLE_START[1];
    }

    /**
     * @return the Storable value as one line of JSON: hashes as objects, arrays as arrays, byte strings as strings of
     *     their Latin-1 characters (as Perl's JSON sees them), blessed objects as {@code {"__CLASS__": ..., "__VALUE__":
     *     ...}}
     * @throws IllegalArgumentException when the bytes are not Storable's
     */
    static String storableAsJson(Path file, String key, byte[] value) {
        Object thawed;
        try {
            thawed = Storable.thaw(value);
        } catch (CodecException e) {
            throw new IllegalArgumentException(file + ": the value of " + key + " (" + value.length + " bytes) is not "
                    + "Storable data (" + e.getMessage() + "); show it with --perl-serializer=raw");
        }
        StringBuilder out = new StringBuilder();
        json(thawed, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out.toString();
    }

    /** @param open the hashes and arrays being written: Storable keeps cycles, which JSON cannot show */
    private static void json(Object value, StringBuilder out, Set<Object> open) {
        if ((value instanceof Map || value instanceof List || value instanceof PerlObject) && !open.add(value)) {
            out.append("\"(a reference to an enclosing value)\"");
            return;
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            Json.string(text, out);
        } else if (value instanceof byte[] bytes) {
            Json.string(new String(bytes, StandardCharsets.ISO_8859_1), out);
        } else if (value instanceof Double number && (number.isNaN() || number.isInfinite())) {
            Json.string(number.toString(), out);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> entry = it.next();
                Json.string(String.valueOf(entry.getKey()), out);
                out.append(':');
                json(entry.getValue(), out, open);
                out.append(it.hasNext() ? "," : "");
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i > 0 ? "," : "");
                json(list.get(i), out, open);
            }
            out.append(']');
        } else if (value instanceof PerlObject object) {
            out.append("{\"__CLASS__\":");
            Json.string(object.className(), out);
            out.append(",\"__VALUE__\":");
            json(object.value(), out, open);
            out.append('}');
        } else {
            Json.string(value.toString(), out);
        }
        open.remove(value);
    }
}
