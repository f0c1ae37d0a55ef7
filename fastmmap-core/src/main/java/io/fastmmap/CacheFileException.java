package io.fastmmap;

import java.nio.file.Path;

/**
 * The cache file could not be created, opened or mapped: an I/O error, a full disk, or a file that is refused
 * for safety (a symbolic link, a hard link, not a regular file, owned by another user).
 */
public class CacheFileException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the cache file concerned
     * @param message what happened and what to do
     */
    public CacheFileException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /**
     * @param file the cache file concerned
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public CacheFileException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** @return the cache file concerned */
    public Path file() {
        return file;
    }
}
