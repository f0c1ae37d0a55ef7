package io.fastmmap;

/**
 * Which entries a full page gives up first. Eviction is per page and least recently used within a class: a page
 * that needs room drops expired entries, then {@link #ORDINARY} entries, and a {@link #PROTECTED} entry only when
 * no ordinary one is left to drop. So a flood of ordinary writes (anonymous web sessions from a crawler, say) can
 * fill the file over and over without pushing out protected entries (logged-in users' sessions), as long as the
 * protected entries alone fit in the file. {@link CacheStats#protectedEvictionCount()} counts the times they did
 * not.
 *
 * <p>The class is stored with each entry (bit 2 of its record flags, docs/file-format.md) and kept until the entry
 * is written again: {@link FastMmap#set(byte[], byte[], java.time.Duration, EvictionClass)} and
 * {@link FastMmap#getAndSet(byte[], java.util.function.UnaryOperator, java.util.function.Function)} choose it; every
 * other write stores {@link #ORDINARY}.
 */
public enum EvictionClass {
    /** Evicted least recently used first; what every write stores unless told otherwise. */
    ORDINARY,
    /** Evicted only when the page holds no ordinary entry to evict (then least recently used first). */
    PROTECTED;

    /** @return the record flag bits of this class (bit 2 set for protected) */
    int flags() {
        return this == PROTECTED ? io.fastmmap.internal.Engine.PROTECTED_FLAG : 0;
    }

    /** @return the class a record's flags name */
    static EvictionClass ofFlags(int flags) {
        return (flags & io.fastmmap.internal.Engine.PROTECTED_FLAG) != 0 ? PROTECTED : ORDINARY;
    }
}
