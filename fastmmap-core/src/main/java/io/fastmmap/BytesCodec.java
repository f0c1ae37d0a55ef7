package io.fastmmap;

/** Stores bytes as they are. The cache copies on the way in and out, so no defensive copy is needed here. */
final class BytesCodec implements Codec<byte[]> {
    static final BytesCodec INSTANCE = new BytesCodec();

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
