package io.fastmmap.cli;

import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import java.util.HexFormat;
import picocli.CommandLine.Option;

/** How keys and values given on the command line become bytes, and how bytes are shown. */
final class KeyOptions {
    @Option(names = "--hex", description = "KEY (and VALUE) are given in hexadecimal, for binary keys")
    boolean hex;

    byte[] bytes(String what, String text) {
        if (!hex) {
            return strictUtf8(what, text);
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not hexadecimal (" + e.getMessage()
                    + "); give an even number of digits 0-9a-f, or leave out --hex");
        }
    }

    /** Strings from the command line may hold lone surrogates; they are refused, never turned into '?'. */
    static byte[] strictUtf8(String what, String text) {
        try {
            return Codec.utf8().encode(text);
        } catch (CodecException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not valid Unicode text (" + e.getMessage()
                    + "); give it with --hex");
        }
    }

    /** @return the bytes as text when they are valid UTF-8, else null */
    static String textOrNull(byte[] bytes) {
        try {
            return Codec.utf8().decode(bytes);
        } catch (CodecException e) {
            return null;
        }
    }

    /** A key as a message shows it: quoted text when it is printable text, else hex. */
    static String show(byte[] key) {
        String text = printable(key);
        return text.startsWith("0x") ? text : "'" + text + "'";
    }

    /** A key as a listing shows it: text when it is printable text (and cannot be mistaken for hex), else 0x + hex. */
    static String printable(byte[] key) {
        String text = textOrNull(key);
        return text != null && !text.isEmpty() && !text.startsWith("0x")
                && text.chars().noneMatch(Character::isISOControl) ? text : "0x" + HexFormat.of().formatHex(key);
    }
}
