package io.fastmmap.benchmarks;

import io.fastmmap.FastMmap;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shows that a warm get makes no system call. Run it under a syscall counter (see syscalls.sh):
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.benchmarks.SyscallDriver GETS [VALUE_SIZE] [WARMUP_GETS] [PAUSE_MS]
 * </pre>
 *
 * It fills a cache of {@link Workload#KEY_COUNT} keys, does WARMUP_GETS gets (so the JIT has compiled get), prints
 * {@code ready pid=P tid=T} (T: this thread's Linux thread id), sleeps PAUSE_MS so that a counter can attach to
 * thread T, does GETS gets in a tight loop, prints {@code done ...}, sleeps PAUSE_MS again and exits. Between
 * "ready" and "done" this thread does nothing but gets: whatever it does in the kernel there, get did (or a
 * safepoint for a garbage collection stopped it).
 */
public final class SyscallDriver {
    private SyscallDriver() {
    }

    public static void main(String[] args) throws Exception {
        long gets = Long.parseLong(args[0]);
        int valueSize = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        long warmupGets = args.length > 2 ? Long.parseLong(args[2]) : 3_000_000;
        long pauseMillis = args.length > 3 ? Long.parseLong(args[3]) : 1500;

        byte[][] keys = Workload.keys(Workload.KEY_COUNT, 7);
        Path dir = Workload.tempDir();
        long sink = 0;
        try (FastMmap cache = Workload.openFilled(dir, keys, valueSize)) {
            sink += loop(cache, keys, warmupGets);
            String task = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "PID/task/TID"
            long gcsBefore = gcCount();
            System.out.println("ready pid=" + ProcessHandle.current().pid() + " tid="
                    + task.substring(task.lastIndexOf('/') + 1) + " memory=" + Workload.memoryBackend());
            System.out.flush();
            Thread.sleep(pauseMillis);

            long start = System.nanoTime();
            sink += loop(cache, keys, gets);
            long nanos = System.nanoTime() - start;

            long gcs = gcCount() - gcsBefore;
            System.out.println("done gets=" + gets + " ms=" + nanos / 1_000_000 + " ns/get="
                    + (gets == 0 ? 0 : nanos / gets) + " gcs=" + gcs + " sink=" + sink);
            System.out.flush();
            Thread.sleep(pauseMillis);
        } finally {
            Workload.deleteTree(dir);
        }
    }

    private static long loop(FastMmap cache, byte[][] keys, long gets) {
        long sink = 0;
        int i = 0;
        for (long n = 0; n < gets; n++) {
            sink += cache.get(keys[i])[0];
            i = i + 1 == keys.length ? 0 : i + 1;
        }
        return sink;
    }

    private static long gcCount() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }
}
