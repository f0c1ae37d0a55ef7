package io.fastmmap.session;

import io.fastmmap.session.SessionRecord.CorruptSessionException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@link SessionRecord}'s fields from stored bytes, checking each length against what is left: the bytes come
 * from a file any process (or a bug, or a bit flip) may have written.
 */
final class RecordReader {
    private final byte[] in;
    private final String key;
    private int position;

    RecordReader(byte[] in, String key) {
        this.in = in;
        this.key = key;
    }

    int position() {
        return position;
    }

    int remaining() {
        return in.length - position;
    }

    byte version() {
        require(1);
        return in[position++];
    }

    long getLong() {
        return ((long) getInt() << 32) | (getInt() & 0xFFFF_FFFFL);
    }

    int getInt() {
        require(4);
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (in[position++] & 0xFF);
        }
        return value;
    }

    /** @return a field's length, checked against the bytes left; -1 only when {@code nullable} */
    int length(boolean nullable) {
        int length = getInt();
        if (length == -1 && nullable) {
            return -1;
        }
        if (length == -1) {
            throw new CorruptSessionException("entry " + key + " has a missing attribute name or value");
        }
        if (length < 0 || length > remaining()) {
            throw new CorruptSessionException("entry " + key + " has a field of " + length + " bytes with "
                    + remaining() + " bytes left");
        }
        return length;
    }

    String string(int length) {
        String s = new String(in, position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    void skip(int length) {
        position += length;
    }

    private void require(int count) {
        if (remaining() < count) {
            throw new CorruptSessionException("entry " + key + " ends early (" + in.length + " bytes)");
        }
    }
}
