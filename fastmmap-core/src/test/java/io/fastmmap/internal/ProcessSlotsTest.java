package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSlotsTest {
    /** Where the warm-up's reads go, so the JIT cannot drop them. */
    static volatile long sink;

    @TempDir
    Path directory;

    /**
     * On Java 17, compiled code that reads a truncated mapping has its fault reported later, at the thread's next
     * transition into the VM (a native call, a call site or counter the interpreter resolves). HostileFileTest saw a
     * thread wait forever for the I/O thread: a fault that came out inside an executor's queue code lost the wakeup
     * of its worker; {@link IoThread} has no locks or untimed waits. Where exactly the fault comes out cannot be
     * forced from here; this pins down what must hold wherever it does: the fault is thrown once at most, and the I/O
     * thread answers every call. On Java 22+ the read fails at once.
     */
    @Test
    void aFaultPendingOnTheCallingThreadNeitherEscapesNorStopsTheIoThread() throws Exception {
        Path file = directory.resolve("cut.fmm");
        FastMmap.builder(file).pageCount(4).pageSize(4096).build().close();
        FileLayout layout = new FileLayout(new Geometry(4096, 4));
        long lost = layout.pagesOffset();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                ProcessSlots slots = new ProcessSlots(file, channel)) {
            SharedMemory memory = SharedMemory.map(channel, layout.fileSize(), 4096);
            try {
                long sum = 0;
                for (int i = 0; i < 200_000; i++) {
                    sum += memory.getLong(lost); // has the JIT compile the read while the file is whole
                }
                sink = sum;
                channel.truncate(1024);
                try {
                    sink = memory.getLong(lost); // compiled: on Java 17 the fault is only noted, for later
                } catch (InternalError reportedAtOnce) {
                    // Java 22+
                }
                // The noted fault comes out at this thread's next entry into the VM, wherever that is: once.
                int faults = 0;
                while (true) {
                    try {
                        assertThat(slots.fileSize()).isEqualTo(1024);
                        assertThat(CompletableFuture.supplyAsync(slots::fileSize).get(10, TimeUnit.SECONDS))
                                .as("the I/O thread still answers").isEqualTo(1024);
                        break;
                    } catch (InternalError pending) {
                        faults++;
                        assertThat(faults).as("faults thrown for one bad read").isEqualTo(1);
                    }
                }
            } finally {
                memory.close();
            }
        }
    }
}
