package io.fastmmap.perl;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The file of one {@link PerlFile} and the system calls that lock its pages: an exclusive fcntl lock on a page's
 * bytes ({@code F_WRLCK, start = page × page_size, len = page_size}), the very lock Cache::FastMmap takes. Perl pays
 * two fcntl calls per operation and so does Java; how they are made decides most of what an operation costs here.
 * Made by {@link PageLockFactory}: through {@link FileChannel} on JDK 17 ({@link ChannelPageLocks}), directly on
 * JDK 22+ when native access is enabled.
 *
 * <p>A page's calls are made only by the thread that holds the page's lock in this JVM ({@link PerlFile}).
 */
interface PageLockCalls extends AutoCloseable {
    /** @return the channel the file is mapped through */
    FileChannel channel();

    /** @return true when this process now holds the page's lock; false when another process holds it */
    boolean tryLock(int pageIndex) throws IOException;

    void unlock(int pageIndex) throws IOException;

    /** @return how the calls are made, for messages and the benchmark's report */
    String mechanism();

    /** Closes the file, which drops every fcntl lock this process holds on it. */
    @Override
    void close() throws IOException;
}
