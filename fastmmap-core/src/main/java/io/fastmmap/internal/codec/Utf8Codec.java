package io.fastmmap.internal.codec;

import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 that reports bad input instead of replacing it. */
public final class Utf8Codec implements Codec<String> {
    public static final Utf8Codec INSTANCE = new Utf8Codec();

    private Utf8Codec() {
    }

    @Override
    public byte[] encode(String value) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            int at = firstLoneSurrogate(value);
            throw new CodecException("Codec.utf8(): the string " + preview(value) + " has a lone surrogate U+"
                    + String.format("%04X", (int) value.charAt(at)) + " at index " + at + ", which UTF-8 cannot "
                    + "encode; it is rejected rather than replaced by '?' (two keys must never share bytes): fix "
                    + "the string, or encode it yourself with Codec.bytes()", e);
        }
    }

    @Override
    public String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("Codec.utf8(): " + bytes.length + " stored bytes are not valid UTF-8 ("
                    + e.getMessage() + "); they were written by another codec: read them with Codec.bytes()", e);
        }
    }

    private static int firstLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return 0;
    }

    private static String preview(String value) {
        return value.length() <= 40 ? "\"" + value + "\"" : "\"" + value.substring(0, 40) + "...\" ("
                + value.length() + " chars)";
    }

    @Override
    public String toString() {
        return "Codec.utf8()";
    }
}
