package io.fastmmap.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What the jcstress tests of this package share: a real cache file made by the engine itself (header, directory,
 * pages, spares, a process slot), and handing each jcstress state a page or key of its own.
 *
 * <p>jcstress runs thousands of states at once and recycles none of them, so a test recycles its pages or keys round
 * robin. {@link Claims} proves that no two live states ever share one: a collision fails the state loudly instead of
 * letting two states disturb each other's outcome.
 */
final class StressFiles {
    private StressFiles() {
    }

    /** Creates a cache file of this geometry (see {@link #newPath}) and attaches this JVM to it. */
    static Attachment open(String name, int pageSizeBytes, int pageCount) {
        CacheConfig config = new CacheConfig(newPath(name), new Geometry(pageSizeBytes, pageCount), 0, false, false,
                Clock.systemUTC(), TimeUnit.SECONDS.toNanos(30),
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        return Attachment.open(config);
    }

    /** @return the path of a file not created yet, in a private temporary directory removed when the JVM exits */
    static Path newPath(String name) {
        try {
            Path dir = Files.createTempDirectory("fastmmap-jcstress-");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name + ".fmm");
            file.toFile().deleteOnExit(); // deleted before its directory (reverse order of registration)
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Round-robin numbers (pages, keys) handed to states, each claimed until its state's arbiter frees it. */
    static final class Claims {
        private final int count;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicIntegerArray claimed;

        Claims(int count) {
            this.count = count;
            this.claimed = new AtomicIntegerArray(count);
        }

        int claim() {
            int number = Math.floorMod(next.getAndIncrement(), count);
            if (!claimed.compareAndSet(number, 0, 1)) {
                throw new IllegalStateException("number " + number + " of " + count + " is still used by a live "
                        + "state: jcstress keeps more states alive at once than this test has numbers; raise it");
            }
            return number;
        }

        void free(int number) {
            claimed.set(number, 0);
        }
    }
}
