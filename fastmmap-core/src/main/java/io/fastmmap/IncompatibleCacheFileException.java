package io.fastmmap;

import java.nio.file.Path;

/**
 * The file exists but is not a fastmmap cache of the requested geometry and format version (or not a fastmmap
 * cache at all). The file is left exactly as it was; open it with the geometry it was created with, or pass
 * {@code recreate(true)} to wipe and re-initialise it.
 */
public class IncompatibleCacheFileException extends CacheFileException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the cache file concerned
     * @param message the difference found, and what to do
     */
    public IncompatibleCacheFileException(Path file, String message) {
        super(file, message);
    }
}
