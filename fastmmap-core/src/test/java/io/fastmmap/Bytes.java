package io.fastmmap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Small conversions that keep tests readable. */
public final class Bytes {
    private Bytes() {
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public static byte[] ofLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    public static long toLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }

    /** A value whose bytes depend on {@code seed}, so a wrong value is never mistaken for the right one. */
    public static byte[] filled(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }
}
