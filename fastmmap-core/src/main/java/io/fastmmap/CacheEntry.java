package io.fastmmap;

import java.time.Instant;
import java.util.Arrays;

/**
 * One entry seen while iterating a cache ({@link FastMmap#entries()}, {@link FastMmap#entriesWithValues()}): the
 * Java form of a Perl {@code get_keys(1)} / {@code get_keys(2)} hashref. It is a copy taken while the entry's page
 * was locked; later changes to the cache do not show in it.
 */
public final class CacheEntry {
    private final byte[] key;
    private final byte[] value;
    private final long expireAtMillis;
    private final int flags;

    CacheEntry(byte[] key, byte[] value, long expireAtMillis, int flags) {
        this.key = key;
        this.value = value;
        this.expireAtMillis = expireAtMillis;
        this.flags = flags;
    }

    /** @return a copy of the key */
    public byte[] key() {
        return key.clone();
    }

    /**
     * @return a copy of the value, or null when the entry came from {@link FastMmap#entries()}, which reads
     *     metadata only
     */
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    /** @return when the entry expires, or null when it never does */
    public Instant expiresAt() {
        return expireAtMillis == 0 ? null : Instant.ofEpochMilli(expireAtMillis);
    }

    /**
     * @return the record's flag bits (Perl's {@code flags}); 0 for entries written by plain
     *     {@link FastMmap#set(byte[], byte[])}
     */
    public int flags() {
        return flags;
    }

    /** @return the entry's eviction class (bit 2 of its {@link #flags()}) */
    public EvictionClass evictionClass() {
        return EvictionClass.ofFlags(flags);
    }

    @Override
    public String toString() {
        return "CacheEntry[key=" + key.length + " bytes" + (value == null ? "" : ", value=" + value.length + " bytes")
                + ", expiresAt=" + expiresAt() + ", flags=" + flags + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheEntry that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value)
                && expireAtMillis == that.expireAtMillis && flags == that.flags;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }
}
