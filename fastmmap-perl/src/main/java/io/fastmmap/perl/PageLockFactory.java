package io.fastmmap.perl;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a Perl-format file with its page lock calls. This is the JDK 17 version: {@link ChannelPageLocks}. The
 * JDK 22+ version (META-INF/versions/22) makes the fcntl calls directly when native access is enabled.
 */
final class PageLockFactory {
    private PageLockFactory() {
    }

    static PageLockCalls open(Path path, long pageSize, int pageCount) throws IOException {
        return ChannelPageLocks.open(path, pageSize, pageCount);
    }
}
