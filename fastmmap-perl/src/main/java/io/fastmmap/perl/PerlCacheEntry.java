package io.fastmmap.perl;

import java.time.Instant;

/**
 * One live entry of a Cache::FastMmap file, as Perl's {@code get_keys(2)} returns it.
 *
 * @param key Perl's key bytes
 * @param value the stored bytes: what Perl's serializer and compressor wrote ({@code raw_values => 1}: the value)
 * @param lastAccessSeconds unix seconds of the last write or read hit (Perl's {@code last_access})
 * @param expireOnSeconds unix seconds when it expires, 0 for never (Perl's {@code expire_on})
 * @param flags Perl's record flags ({@code flags}): undef, UTF-8 key, UTF-8 value
 */
public record PerlCacheEntry(byte[] key, byte[] value, long lastAccessSeconds, long expireOnSeconds, long flags) {

    /** @return the last write or read hit */
    public Instant lastAccess() {
        return Instant.ofEpochSecond(lastAccessSeconds);
    }

    /** @return when it expires, or null for never */
    public Instant expiresAt() {
        return expireOnSeconds == 0 ? null : Instant.ofEpochSecond(expireOnSeconds);
    }

    /** @return true when Perl stored {@code undef} (the value bytes are then empty) */
    public boolean isUndef() {
        return (flags & PerlPage.FC_UNDEF) != 0;
    }

    /** @return true when Perl's value was a UTF-8 string (its bytes are UTF-8) */
    public boolean isUtf8Value() {
        return (flags & PerlPage.FC_UTF8VAL) != 0;
    }
}
