package io.fastmmap.perl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Page locks through {@link FileChannel#tryLock}: the portable way, and the only one on JDK 17. Each call also
 * updates the JDK's lock table and allocates a {@link FileLock}, which costs about as much again as the system call.
 */
final class ChannelPageLocks implements PageLockCalls {
    private final FileChannel channel;
    private final long pageSize;
    private final FileLock[] held;

    private ChannelPageLocks(FileChannel channel, long pageSize, int pageCount) {
        this.channel = channel;
        this.pageSize = pageSize;
        this.held = new FileLock[pageCount];
    }

    static ChannelPageLocks open(Path path, long pageSize, int pageCount) throws IOException {
        return new ChannelPageLocks(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE),
                pageSize, pageCount);
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public boolean tryLock(int pageIndex) throws IOException {
        held[pageIndex] = channel.tryLock(pageIndex * pageSize, pageSize, false);
        return held[pageIndex] != null;
    }

    @Override
    public void unlock(int pageIndex) throws IOException {
        FileLock lock = held[pageIndex];
        held[pageIndex] = null;
        lock.release();
    }

    @Override
    public String mechanism() {
        return "FileChannel.tryLock";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
