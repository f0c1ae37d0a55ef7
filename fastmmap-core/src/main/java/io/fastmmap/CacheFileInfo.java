package io.fastmmap;

import io.fastmmap.internal.FileDescription;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What a cache file is, read from its header without mapping, locking or changing it: for tools, and for opening
 * a file whose geometry the caller does not know ({@link #builder()}).
 */
public final class CacheFileInfo {
    private final Path file;
    private final FileDescription description;

    private CacheFileInfo(Path file, FileDescription description) {
        this.file = file;
        this.description = description;
    }

    /**
     * Reads the header of an existing cache file.
     *
     * @param file the cache file
     * @return its description
     * @throws CacheFileException when the file is absent, not a regular file, or unreadable
     * @throws IncompatibleCacheFileException when it is not a fastmmap file of a format this version reads
     * @throws CacheCorruptedException when its header fails its checksum
     */
    public static CacheFileInfo read(Path file) {
        Objects.requireNonNull(file, "file");
        return new CacheFileInfo(file, FileDescription.read(file));
    }

    /** @return the file this describes */
    public Path file() {
        return file;
    }

    /** @return the file format version */
    public int formatVersion() {
        return description.formatVersion();
    }

    /** @return bytes per page */
    public int pageSizeBytes() {
        return description.geometry().pageSizeBytes();
    }

    /** @return number of pages */
    public int pageCount() {
        return description.geometry().pageCount();
    }

    /** @return page space in bytes: page size times page count (Perl {@code cache_size}) */
    public long cacheSizeBytes() {
        return (long) pageSizeBytes() * pageCount();
    }

    /** @return the whole file's size: pages plus spare pages, header and tables */
    public long fileSizeBytes() {
        return description.fileSizeBytes();
    }

    /** @return when the file was created (the creating process's clock) */
    public Instant createdAt() {
        return Instant.ofEpochMilli(description.createdAtMillis());
    }

    /** @return a builder for this file with its geometry already set */
    public FastMmap.Builder builder() {
        return FastMmap.builder(file).pageSize(pageSizeBytes()).pageCount(pageCount());
    }

    @Override
    public String toString() {
        return file + ": fastmmap format " + formatVersion() + ", " + pageCount() + " pages of " + pageSizeBytes()
                + " bytes, file " + fileSizeBytes() + " bytes, created " + createdAt();
    }
}
