package io.fastmmap.session.redis;

import io.fastmmap.FastMmapException;
import io.fastmmap.internal.SharedMemory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The host's small control file beside the session copy: the words every instance on the host checks before it
 * trusts the copy. Its mapping is core's {@link SharedMemory}, the one owner of shared memory, which bounds-checks
 * every access; here every index is a constant or reduced modulo the bucket count, and the file's size is checked
 * when it is opened, so no offset can leave the mapping anyway.
 *
 * <pre>
 * offset  size          field
 *      0     8          magic "FMMRCTL1" (little-endian long)
 *      8     8          epoch: bumped whenever invalidations may have been missed (listener (re)connect,
 *                       disconnect, FLUSHALL); copies written under another epoch are never served
 *     16     8          heartbeatMillis: wall-clock time at which the listener sent the last PING that Redis
 *                       answered; every invalidation Redis produced before that PING has been applied
 *     24    40          reserved (zero)
 *     64  8 * 4096      invalidation sequence per bucket (hash of the session id mod 4096): bumped before a copy
 *                       is dropped; a reader installs its copy only if its bucket's sequence did not move
 * </pre>
 *
 * All words are little-endian and accessed with volatile semantics, which orders them between processes as the page
 * locks of the copy do.
 */
final class ControlFile implements AutoCloseable {
    static final int BUCKET_COUNT = 4096;
    private static final long MAGIC = 0x314C5443524D4D46L; // "FMMRCTL1" read little-endian
    private static final int MAGIC_INDEX = 0;
    private static final int EPOCH_INDEX = 1;
    private static final int HEARTBEAT_INDEX = 2;
    private static final int FIRST_BUCKET_INDEX = 8;
    static final int BYTE_COUNT = (FIRST_BUCKET_INDEX + BUCKET_COUNT) * Long.BYTES;
    /** Serializes opening within this JVM, where a second FileLock on the same file would throw. */
    private static final Object OPENING = new Object();

    private final Path file;
    private final SharedMemory words;

    private ControlFile(Path file, SharedMemory words) {
        this.file = file;
        this.words = words;
    }

    /**
     * Opens the control file, creating it when absent. A new file's epoch starts at the wall-clock microsecond, so
     * copies left in a session file from before the control file was deleted never match it.
     */
    static ControlFile open(Path file, long nowMillis) {
        synchronized (OPENING) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                    long size = channel.size();
                    if (size != 0 && size != BYTE_COUNT) {
                        throw new FastMmapException(file + ": not a fastmmap Redis-tier control file (" + size
                                + " bytes, expected " + BYTE_COUNT + "); delete it (it holds no sessions) and restart");
                    }
                    SharedMemory words = SharedMemory.map(channel, BYTE_COUNT, Long.BYTES);
                    long magic = words.getLongVolatile(MAGIC_INDEX * Long.BYTES);
                    if (magic == 0) {
                        words.putLongVolatile(EPOCH_INDEX * Long.BYTES, nowMillis * 1000);
                        words.putLongVolatile(MAGIC_INDEX * Long.BYTES, MAGIC);
                    } else if (magic != MAGIC) {
                        words.close();
                        throw new FastMmapException(file + ": not a fastmmap Redis-tier control file (bad magic "
                                + Long.toHexString(magic) + "); delete it (it holds no sessions) and restart");
                    }
                    return new ControlFile(file, words);
                }
            } catch (IOException e) {
                throw new FastMmapException(file + ": cannot open the Redis-tier control file: " + e
                        + "; check that the directory is writable", e);
            }
        }
    }

    Path file() {
        return file;
    }

    long epoch() {
        return get(EPOCH_INDEX);
    }

    /** @return the new epoch */
    long bumpEpoch() {
        return increment(EPOCH_INDEX);
    }

    long heartbeatMillis() {
        return get(HEARTBEAT_INDEX);
    }

    /** Only moves forward, so a late PING reply cannot make the copy look fresher than it is. */
    void heartbeat(long pingSentAtMillis) {
        int offset = HEARTBEAT_INDEX * Long.BYTES;
        long current;
        do {
            current = words.getLongVolatile(offset);
            if (current >= pingSentAtMillis) {
                return;
            }
        } while (!words.compareAndSetLong(offset, current, pingSentAtMillis));
    }

    /** Makes every reader bypass the copy at once (the listener stopped). */
    void clearHeartbeat() {
        words.putLongVolatile(HEARTBEAT_INDEX * Long.BYTES, 0L);
    }

    static int bucket(int hash) {
        return Math.floorMod(hash, BUCKET_COUNT);
    }

    long sequence(int bucket) {
        return get(FIRST_BUCKET_INDEX + bucket(bucket));
    }

    /** @return the bucket's new sequence */
    long bumpSequence(int bucket) {
        return increment(FIRST_BUCKET_INDEX + bucket(bucket));
    }

    private long get(int index) {
        return words.getLongVolatile((long) index * Long.BYTES);
    }

    private long increment(int index) {
        long offset = (long) index * Long.BYTES;
        long current;
        do {
            current = words.getLongVolatile(offset);
        } while (!words.compareAndSetLong(offset, current, current + 1));
        return current + 1;
    }

    /** Unmaps on Java 22+ (Java 17's mapping is released by the garbage collector); nothing to flush. */
    @Override
    public void close() {
        words.close();
    }
}
