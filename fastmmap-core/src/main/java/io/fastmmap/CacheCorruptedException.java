package io.fastmmap;

/**
 * The cache file holds damage that could not be repaired in place, for example a damaged file header or page
 * table. Damage inside a page is normally repaired when the page is next locked and does not surface as this
 * exception; {@link FastMmap.Builder#recreate(boolean)} wipes a file that keeps failing.
 */
public class CacheCorruptedException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /** @param message what is damaged, where, and what to do */
    public CacheCorruptedException(String message) {
        super(message);
    }

    /**
     * @param message what is damaged, where, and what to do
     * @param cause the underlying failure
     */
    public CacheCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
