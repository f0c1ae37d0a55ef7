package io.fastmmap.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * T6, jcstress: the page lock word protocol ({@link PageLocks}: CAS from a free word to a held one, release store of
 * the next free word) excludes two threads, and its release publishes what the holder wrote. Two actors each take
 * the same page lock and do a plain, non-atomic read-increment-write of a counter in the mapped file; the arbiter
 * reads the counter and the lock word's holder. Two owners at once would lose an increment (counter 1); a missing
 * release would leave a holder.
 *
 * <p>Every state uses its own page of one mapped file (a page directory of 65,536 entries, recycled), so states cost
 * no system call.
 */
@JCStressTest
@Outcome(id = "2, 0", expect = Expect.ACCEPTABLE, desc = "both critical sections ran, one after the other")
@Outcome(expect = Expect.FORBIDDEN, desc = "both inside at once (an increment lost), or the lock left held")
@State
public class PageLockStress {
    private static final Shared SHARED = new Shared();
    private final int page = SHARED.nextPage();

    public PageLockStress() {
        SHARED.memory.putInt(SHARED.counter(page), 0);
    }

    @Actor
    public void first() {
        SHARED.increment(page);
    }

    @Actor
    public void second() {
        SHARED.increment(page);
    }

    @Arbiter
    public void arbiter(II_Result result) {
        result.r1 = SHARED.memory.getIntVolatile(SHARED.counter(page));
        result.r2 = PageDirectory.holder(SHARED.memory.getLongVolatile(SHARED.lockWord(page)));
    }

    /** One mapped page directory for the whole JVM. */
    static final class Shared {
        static final int PAGES = 1 << 16;
        final FileLayout layout = new FileLayout(new Geometry(4096, PAGES));
        final SharedMemory memory;
        final PageLocks locks;
        final AtomicInteger next = new AtomicInteger();

        Shared() {
            try {
                Path file = Files.createTempFile("fastmmap-jcstress-", ".fmm");
                file.toFile().deleteOnExit();
                long bytes = layout.pagesOffset(); // header, tables and directory: all the locks need
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(bytes);
                }
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                memory = SharedMemory.map(channel, bytes, 4096);
                ProcessSlots slots = new ProcessSlots(file, channel);
                slots.claim();
                locks = new PageLocks(memory, layout, slots, file, TimeUnit.SECONDS.toNanos(30));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int nextPage() {
            return Math.floorMod(next.getAndIncrement(), PAGES);
        }

        long lockWord(int page) {
            return layout.directoryOffset() + (long) page * PageDirectory.ENTRY_BYTES + PageDirectory.LOCK_WORD_OFFSET;
        }

        /** The directory entry's reserved word, a counter no engine code touches. */
        long counter(int page) {
            return layout.directoryOffset() + (long) page * PageDirectory.ENTRY_BYTES + 20;
        }

        void increment(int page) {
            locks.lock(page, TimeUnit.SECONDS.toNanos(30));
            try {
                memory.putInt(counter(page), memory.getInt(counter(page)) + 1);
            } finally {
                locks.unlock(page);
            }
        }
    }
}
