package io.fastmmap;

/** The cache was used after {@link FastMmap#close()}. */
public class CacheClosedException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /** @param message which cache file */
    public CacheClosedException(String message) {
        super(message);
    }
}
