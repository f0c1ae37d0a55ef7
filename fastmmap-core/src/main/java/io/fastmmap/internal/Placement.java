package io.fastmmap.internal;

/**
 * Where a key lives: its 64-bit hash, the logical page that holds it (from the hash's high 32 bits) and, taken by
 * callers as {@code (int) hash}, the tag its slot stores (the low 32 bits, whose low bits also choose the home
 * slot). Page and tag come from different halves so they are independent. docs/file-format.md, section 8.
 *
 * <p>Every process that opens a file must place every key the same way, so this reads only what the file header
 * fixes: the per-file random hash seed and the page count. The seed is random so that nobody can prepare keys that
 * all fall into one page or one probe chain of a file they cannot read.
 */
final class Placement {
    private final long hashSeed;
    private final int pageCount;

    Placement(long hashSeed, int pageCount) {
        this.hashSeed = hashSeed;
        this.pageCount = pageCount;
    }

    long hash(byte[] key) {
        return XxHash64.hash(key, hashSeed);
    }

    /** Lemire's multiply-shift range reduction: an even spread over any page count, without a division. */
    int pageOf(long hash) {
        return (int) (((hash >>> 32) * pageCount) >>> 32);
    }
}
