package io.fastmmap.session.redis;

import io.fastmmap.FastMmap;
import io.fastmmap.ValueTooLargeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This host's copy of sessions: one fastmmap file shared by every instance on the host, plus its {@link ControlFile}.
 * A copy is the session's Redis hash exactly as Redis returned it (field names and the serializer's bytes), so
 * nothing is serialized again and any Spring Session node's writes are copied faithfully.
 *
 * <p><b>When a copy may be served</b>: the listener's heartbeat is fresher than the heartbeat timeout, the copy was
 * written under the current epoch, and it has not reached its own expiry (the session's expiry, capped by the
 * maximum copy age). <b>When a copy may be installed</b>: only if its bucket's invalidation sequence and the epoch
 * are what they were before the Redis read or write that produced it; the check runs under the copy's page lock and
 * every drop bumps the sequence before it takes that lock, so an invalidation that raced the Redis call always wins.
 * A drop bumps it once more after the copy is gone, so a fence that still holds also means the copy a lookup under
 * it returned is still the host's copy ({@link DecodedCopies} relies on that).
 *
 * <pre>
 * copy record (big-endian)
 *   u64 epoch | i64 copyExpiresAtMillis | u32 fieldCount | fieldCount x (u32 nameLength, name (UTF-8),
 *                                                                        u32 valueLength, value)
 * </pre>
 */
final class HostCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HostCache.class.getName());
    private static final int HEADER_BYTES = 8 + 8 + 4;

    private final FastMmap copies;
    private final ControlFile control;
    private final Clock clock;
    private final long heartbeatTimeoutMillis;

    HostCache(FastMmap copies, ControlFile control, Clock clock, long heartbeatTimeoutMillis) {
        this.copies = copies;
        this.control = control;
        this.clock = clock;
        this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
    }

    static Path controlFileOf(Path copyFile) {
        return copyFile.resolveSibling(copyFile.getFileName() + ".ctl");
    }

    static Path listenerLockOf(Path copyFile) {
        return copyFile.resolveSibling(copyFile.getFileName() + ".listener");
    }

    ControlFile control() {
        return control;
    }

    FastMmap copies() {
        return copies;
    }

    /** What a reader saw before it went to Redis; its copy is installed only if nothing moved since. */
    record Fence(int bucket, long epoch, long sequence) {
    }

    /** @return the fence to install under, or null when the copy is not trusted now (listener silent) */
    Fence fence(String id) {
        long epoch = control.epoch();
        if (!listenerIsCurrent()) {
            return null;
        }
        int bucket = ControlFile.bucket(id.hashCode());
        return new Fence(bucket, epoch, control.sequence(bucket));
    }

    boolean listenerIsCurrent() {
        long beat = control.heartbeatMillis();
        return beat != 0 && clock.millis() - beat <= heartbeatTimeoutMillis;
    }

    /**
     * A copy as found: the session's hash fields and when the copy stops being served.
     *
     * @param fields the hash as Redis returned it
     * @param expiresAtMillis the session's own expiry, capped by the maximum copy age when it was installed
     */
    record Copy(Map<String, byte[]> fields, long expiresAtMillis) {
    }

    /**
     * @param fence taken before this lookup ({@link #fence}): while it holds, what this lookup returns is still the
     *     host's copy (every install and drop moves it, a drop both before and after removing the copy)
     * @return this host's copy of the session, or null when there is none that may be served
     */
    Copy lookup(String id, Fence fence) {
        byte[] record = copies.get(key(id));
        if (record == null || record.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(record);
        long epoch = in.getLong();
        long expiresAtMillis = in.getLong();
        if (epoch != fence.epoch() || expiresAtMillis <= clock.millis()) {
            return null;
        }
        try {
            return new Copy(decodeFields(in), expiresAtMillis);
        } catch (IllegalArgumentException damaged) {
            copies.remove(key(id));
            LOG.log(System.Logger.Level.WARNING, copies.file() + ": the host copy of session " + id
                    + " is damaged (" + damaged.getMessage() + ") and was dropped; it is read from Redis again");
            return null;
        }
    }

    /**
     * Installs a copy if the fence still holds, else drops whatever copy is there (it may be older than what the
     * caller read). Either way the bucket's sequence moves, so a slower reader that read an older hash before this
     * one cannot install it afterwards: one host's reads are monotonic.
     *
     * @return the fence the installed copy stands under now, or null when it was not installed or something else
     *     moved the bucket meanwhile
     */
    Fence install(String id, Fence fence, Map<String, byte[]> fields, long copyExpiresAtMillis) {
        byte[] record = encode(fence.epoch(), copyExpiresAtMillis, fields);
        boolean[] installed = {false};
        long sequence = fence.sequence();
        try {
            copies.getAndSet(key(id), current -> {
                installed[0] = control.sequence(fence.bucket()) == fence.sequence()
                        && control.epoch() == fence.epoch();
                return installed[0] ? record : null;
            });
        } catch (ValueTooLargeException tooLarge) {
            installed[0] = false;
            copies.remove(key(id)); // served from Redis every time; said in docs/scale-out.md
        } finally {
            sequence = control.bumpSequence(fence.bucket());
        }
        return installed[0] && sequence == fence.sequence() + 1 ? new Fence(fence.bucket(), fence.epoch(), sequence)
                : null;
    }

    /**
     * Drops this host's copy: first the sequence, so a reader already past its Redis call cannot put it back, and
     * again after the drop, so a reader that took its fence between the first bump and the drop (and may have read
     * the dropped copy) finds its fence moved.
     */
    void invalidate(String id) {
        int bucket = ControlFile.bucket(id.hashCode());
        control.bumpSequence(bucket);
        copies.remove(key(id));
        control.bumpSequence(bucket);
    }

    /** Every copy on the host stops being served at once. */
    void invalidateAll() {
        control.bumpEpoch();
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encode(long epoch, long copyExpiresAtMillis, Map<String, byte[]> fields) {
        int size = HEADER_BYTES;
        Map<byte[], byte[]> raw = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            byte[] name = field.getKey().getBytes(StandardCharsets.UTF_8);
            raw.put(name, field.getValue());
            size += 8 + name.length + field.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putLong(epoch).putLong(copyExpiresAtMillis).putInt(raw.size());
        raw.forEach((name, value) -> out.putInt(name.length).put(name).putInt(value.length).put(value));
        return out.array();
    }

    /** Every length is checked against what remains: a damaged record is refused, never read past its end. */
    static Map<String, byte[]> decodeFields(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 8) {
            throw new IllegalArgumentException("field count " + count + " with " + in.remaining() + " bytes left");
        }
        Map<String, byte[]> fields = new LinkedHashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = new String(chunk(in), StandardCharsets.UTF_8);
            fields.put(name, chunk(in));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes after the last field");
        }
        return fields;
    }

    private static byte[] chunk(ByteBuffer in) {
        int length = in.remaining() < 4 ? -1 : in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("a field of " + length + " bytes with " + in.remaining() + " left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    @Override
    public void close() {
        copies.close();
        control.close();
    }
}
