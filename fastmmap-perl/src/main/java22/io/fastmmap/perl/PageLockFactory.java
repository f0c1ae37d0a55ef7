package io.fastmmap.perl;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a Perl-format file with its page lock calls. This is the JDK 22+ version: direct fcntl calls
 * ({@link FcntlPageLocks}) on Linux when this code may call native functions (the JVM runs with
 * {@code --enable-native-access=ALL-UNNAMED}, or the module's name; see {@link FcntlPageLocks#AVAILABLE}); else
 * {@link ChannelPageLocks}, so that the library never makes the JVM print its warning about restricted methods.
 */
final class PageLockFactory {
    private PageLockFactory() {
    }

    static PageLockCalls open(Path path, long pageSize, int pageCount) throws IOException {
        if (FcntlPageLocks.AVAILABLE) {
            try {
                return FcntlPageLocks.open(path, pageSize, pageCount);
            } catch (IOException directFailed) {
                // e.g. no /proc to open the mapping's channel through: the portable way reports a real I/O error
                // itself, and otherwise works
            }
        }
        return ChannelPageLocks.open(path, pageSize, pageCount);
    }
}
