package io.fastmmap.jetty;

import io.fastmmap.FastMmap;
import java.nio.file.Path;

/**
 * The session file of one factory, opened when the first context's store starts and closed when the last one stops,
 * so every context of a server maps the file once and a stopped server leaves nothing open.
 */
final class SharedFile {
    private final Path file;
    private final long cacheSizeBytes;
    private final int pageSizeBytes;
    private FastMmap cache;
    private int users;

    SharedFile(Path file, long cacheSizeBytes, int pageSizeBytes) {
        this.file = file;
        this.cacheSizeBytes = cacheSizeBytes;
        this.pageSizeBytes = pageSizeBytes;
    }

    /** @return the open file; pair with {@link #release} */
    synchronized FastMmap acquire() {
        if (cache == null) {
            // No expireAfterWrite: Jetty decides when a session has expired (and immortal sessions exist); Jetty's
            // scavenger deletes expired sessions, and its orphan sweep those of contexts no longer running.
            cache = FastMmap.builder(file).cacheSize(cacheSizeBytes).pageSize(pageSizeBytes).build();
        }
        users++;
        return cache;
    }

    synchronized void release() {
        if (users > 0 && --users == 0) {
            cache.close();
            cache = null;
        }
    }

    Path file() {
        return file;
    }

    int pageSizeBytes() {
        return pageSizeBytes;
    }
}
