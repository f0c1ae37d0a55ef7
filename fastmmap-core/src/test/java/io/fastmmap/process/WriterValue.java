package io.fastmmap.process;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Self-verifying values of {@link WriterChild}: a value names the key it belongs to, its writer and its sequence
 * number, and ends with a CRC-32 of everything before it, so a torn, mixed or misplaced value is recognised by
 * whoever reads it.
 *
 * <pre>
 *  0          4          8                16         20              n-4     n
 *  | key hash | writer   | sequence       | length n | payload ...   | CRC32 |
 * </pre>
 *
 * A sequence number is {@code incarnation << 32 | operation counter}: it grows over every life of a writer.
 */
public final class WriterValue {
    static final int HEADER_BYTES = 20;
    static final int TRAILER_BYTES = 4;

    private WriterValue() {
    }

    /** @return the key of writer {@code writer}'s key number {@code index} */
    public static byte[] key(int writer, int index) {
        return ("w" + writer + "-key-" + index).getBytes(StandardCharsets.US_ASCII);
    }

    public static long seq(int incarnation, int counter) {
        return ((long) incarnation << 32) | (counter & 0xFFFFFFFFL);
    }

    /** @return "incarnation.counter", for messages */
    public static String seqText(long seq) {
        return seq < 0 ? String.valueOf(seq) : (seq >>> 32) + "." + (seq & 0xFFFFFFFFL);
    }

    public static int keyHash(byte[] key) {
        CRC32 crc = new CRC32();
        crc.update(key);
        return (int) crc.getValue();
    }

    /** @return a value of {@code HEADER_BYTES + payload + TRAILER_BYTES} bytes with a random payload */
    public static byte[] encode(byte[] key, int writer, long seq, int payloadBytes, Random random) {
        int length = HEADER_BYTES + payloadBytes + TRAILER_BYTES;
        byte[] value = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(value);
        buffer.putInt(keyHash(key)).putInt(writer).putLong(seq).putInt(length);
        byte[] payload = new byte[payloadBytes];
        random.nextBytes(payload);
        buffer.put(payload);
        CRC32 crc = new CRC32();
        crc.update(value, 0, length - TRAILER_BYTES);
        buffer.putInt((int) crc.getValue());
        return value;
    }

    /**
     * Checks that {@code value} is an intact value of {@code key} by {@code writer}.
     *
     * @return its sequence number
     * @throws IllegalArgumentException saying what is wrong
     */
    public static long verify(byte[] key, int writer, byte[] value) {
        if (value.length < HEADER_BYTES + TRAILER_BYTES) {
            throw new IllegalArgumentException("too short: " + value.length + " bytes: " + ChildSupport.hex(value, 48));
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int keyHash = buffer.getInt();
        int valueWriter = buffer.getInt();
        long seq = buffer.getLong();
        int length = buffer.getInt();
        CRC32 crc = new CRC32();
        crc.update(value, 0, value.length - TRAILER_BYTES);
        int storedCrc = ByteBuffer.wrap(value, value.length - TRAILER_BYTES, TRAILER_BYTES).getInt();
        if (length != value.length || storedCrc != (int) crc.getValue()) {
            throw new IllegalArgumentException("torn or damaged value: " + value.length + " bytes, length field "
                    + length + ", CRC stored " + Integer.toHexString(storedCrc) + " computed "
                    + Long.toHexString(crc.getValue()) + ", head " + ChildSupport.hex(value, 32));
        }
        if (keyHash != keyHash(key) || valueWriter != writer) {
            throw new IllegalArgumentException("value of another key: it says key hash "
                    + Integer.toHexString(keyHash) + " writer " + valueWriter + " seq " + seqText(seq) + ", expected "
                    + Integer.toHexString(keyHash(key)) + " writer " + writer + " for key "
                    + new String(key, StandardCharsets.US_ASCII));
        }
        return seq;
    }
}
