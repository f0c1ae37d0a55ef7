package io.fastmmap.perl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Typed access to a {@link PerlCache}, as a Perl process with the same {@code serializer} and {@code compressor}
 * options sees it: values are serialized, then compressed, exactly as Cache::FastMmap does
 * ({@code compress(serialize(\$value))}). Keys are strings, stored as UTF-8 (Perl's key bytes of a UTF-8 key; ASCII
 * keys, such as Catalyst's, are the same either way).
 *
 * <pre>{@code
 * PerlValues values = cache.values(PerlSerializer.STORABLE, PerlCompressor.NONE); // Perl's defaults
 * Map<String, Object> session = (Map<String, Object>) values.get("session:" + sid);
 * }</pre>
 */
public final class PerlValues {
    private final PerlCache cache;
    private final PerlSerializer serializer;
    private final PerlCompressor compressor;

    PerlValues(PerlCache cache, PerlSerializer serializer, PerlCompressor compressor) {
        this.cache = cache;
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.compressor = Objects.requireNonNull(compressor, "compressor");
    }

    /** @return the value, or null when absent or expired (or Perl's undef) */
    public Object get(String key) {
        PerlPage.Value stored = cache.read(bytes(key));
        return stored == null || stored.isUndef() ? null : decode(stored);
    }

    /** Stores with the cache's default expiry. */
    public void set(String key, Object value) {
        cache.write(bytes(key), encode(value), serializer.flags(value), null);
    }

    /** Stores with its own time to live (whole seconds, rounded up). */
    public void set(String key, Object value, Duration ttl) {
        cache.write(bytes(key), encode(value), serializer.flags(value), Objects.requireNonNull(ttl, "ttl"));
    }

    /** @return true when a live entry was removed */
    public boolean remove(String key) {
        return cache.remove(bytes(key));
    }

    /**
     * Atomic read-modify-write, excluding Perl's {@code get_and_set} on the same key.
     *
     * @param update gets the current value (null when absent), returns the new one or null to store nothing
     * @return the value now stored
     */
    public Object getAndSet(String key, UnaryOperator<Object> update) {
        Objects.requireNonNull(update, "update");
        Object[] result = new Object[1];
        cache.update(bytes(key), stored -> {
            Object current = stored == null || stored.isUndef() ? null : decode(stored);
            Object next = update.apply(current);
            result[0] = next == null ? current : next;
            return next == null ? null : new Encoded(encode(next), serializer.flags(next));
        });
        return result[0];
    }

    /** An encoded value and its record flags. */
    record Encoded(byte[] bytes, long flags) {
    }

    private byte[] encode(Object value) {
        return compressor.compress(serializer.encode(value));
    }

    private Object decode(PerlPage.Value stored) {
        return serializer.decode(compressor.decompress(stored.bytes()), stored.flags());
    }

    private static byte[] bytes(String key) {
        return Objects.requireNonNull(key, "key").getBytes(StandardCharsets.UTF_8);
    }
}
