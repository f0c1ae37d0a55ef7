package io.fastmmap.internal.codec;

import io.fastmmap.Codec;

/** Stores bytes as they are. The cache copies on the way in and out, so no defensive copy is needed here. */
public final class BytesCodec implements Codec<byte[]> {
    public static final BytesCodec INSTANCE = new BytesCodec();

    private BytesCodec() {
    }

    @Override
    public byte[] encode(byte[] value) {
        return value;
    }

    @Override
    public byte[] decode(byte[] bytes) {
        return bytes;
    }

    @Override
    public String toString() {
        return "Codec.bytes()";
    }
}
