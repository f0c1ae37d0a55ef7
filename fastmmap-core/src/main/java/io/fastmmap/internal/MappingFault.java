package io.fastmmap.internal;

import io.fastmmap.CacheFileException;
import java.nio.file.Path;

/**
 * Turns the JVM's report of a fault in the mapped file into a clear exception. When another program truncates a
 * mapped file, touching a page past the new end raises SIGBUS; the JVM turns it into an {@link InternalError}
 * ("a fault occurred in an unsafe memory access operation") in the thread that touched it. Every later access
 * faults again, so the cache fails stop: each call throws this exception until the cache is closed.
 */
final class MappingFault {
    private MappingFault() {
    }

    /**
     * @return a {@link CacheFileException} naming the file and its new size when it is shorter than its mapping
     * @throws InternalError {@code fault} itself when the file is intact: then it is not a truncation
     */
    static RuntimeException translate(Attachment attachment, InternalError fault) {
        long size = attachment.sizeOnDisk(); // of the mapped file: its path may name another one by now
        if (size >= attachment.layout.fileSize()) {
            throw fault;
        }
        return truncated(attachment, size, fault);
    }

    /**
     * Logs (at most once a minute) and returns the exception for a file found shorter than its mapping.
     *
     * @param size its size now, -1 when it cannot be read
     * @param fault the JVM's report of the fault, or null when the size was found before any access faulted
     */
    static CacheFileException truncated(Attachment attachment, long size, InternalError fault) {
        return truncated(attachment.file, attachment.layout.fileSize(), size, fault);
    }

    /**
     * @param size the file's size now, -1 when it cannot be read
     * @return the exception of {@link #truncated(Path, long, long, InternalError)} (logged) when the file is shorter
     *     than {@code mappedBytes}, or null (also when its size cannot be read: that alone proves no truncation)
     */
    static CacheFileException ifTruncated(Path file, long mappedBytes, long size) {
        return size >= 0 && size < mappedBytes ? truncated(file, mappedBytes, size, null) : null;
    }

    /** As {@link #truncated(Attachment, long, InternalError)}, for {@code file} mapped with {@code mappedBytes}. */
    static CacheFileException truncated(Path file, long mappedBytes, long size, InternalError fault) {
        String what = (size < 0 ? "can no longer be read" : "was truncated to " + size
                + " bytes") + " by another program while this process had its " + mappedBytes + " bytes mapped, "
                + "so its contents are gone: stop using this cache, find what truncated the file, and open it "
                + "again with recreate(true)";
        EngineWarnings.warn(file, EngineWarnings.Kind.TRUNCATED, () -> what + " (every page past the new end is "
                + "lost; each call of this cache now fails)");
        return fault == null ? new CacheFileException(file, what)
                : new CacheFileException(file, what + " (" + fault.getMessage() + ")", fault);
    }
}
