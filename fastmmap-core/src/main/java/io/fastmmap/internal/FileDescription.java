package io.fastmmap.internal;

import io.fastmmap.CacheFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a cache file's header says, read without mapping or changing the file.
 *
 * @param formatVersion the file format version
 * @param geometry page size and page count
 * @param fileSizeBytes the size the header records
 * @param createdAtMillis wall-clock creation time
 */
public record FileDescription(int formatVersion, Geometry geometry, long fileSizeBytes, long createdAtMillis) {

    /**
     * Reads the header of {@code file}. A file this JVM has open is read through its existing mapping: opening and
     * closing a second descriptor would drop this process's fcntl locks, and others would take it for dead.
     */
    public static FileDescription read(Path file) {
        Path absolute = file.toAbsolutePath();
        return Attachment.withAttachedOrNot(absolute, attached -> attached != null
                ? of(attached.headerBytes())
                : of(readUnattached(absolute)));
    }

    private static ByteBuffer readUnattached(Path file) {
        try (FileChannel channel = openForReading(file)) {
            return CacheFile.readHeader(file, channel);
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot read the file header: " + e, e);
        }
    }

    /** Opens an existing regular file for reading, refusing what could block or lead elsewhere. */
    static FileChannel openForReading(Path file) throws IOException {
        BasicFileAttributes attributes = CacheFile.attributesOrNull(file);
        if (attributes == null) {
            throw new CacheFileException(file, "does not exist; check the path");
        }
        if (!attributes.isRegularFile()) {
            // Opening a FIFO would block, and a symbolic link could point anywhere.
            throw new CacheFileException(file, "is not a regular file (a "
                    + (attributes.isSymbolicLink() ? "symbolic link" : attributes.isDirectory() ? "directory"
                    : "device, FIFO or socket") + "); give the path of a cache file");
        }
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    private static FileDescription of(ByteBuffer header) {
        header.order(ByteOrder.LITTLE_ENDIAN);
        return new FileDescription(header.getInt(FileHeader.VERSION_OFFSET),
                new Geometry(header.getInt(FileHeader.PAGE_SIZE_OFFSET), header.getInt(FileHeader.PAGE_COUNT_OFFSET)),
                header.getLong(FileHeader.FILE_SIZE_OFFSET), header.getLong(FileHeader.CREATED_AT_OFFSET));
    }
}
