package io.fastmmap.benchmarks.peers;

import io.fastmmap.benchmarks.Workload;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Space, not speed: fills each store with the workload's keys once and reports what it takes.
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.benchmarks.peers.Footprint OUT.jsonl KEYS VALUE_BYTES fit|overcommit2x STORE...
 * </pre>
 *
 * One JSON line per store: entries held, live bytes (their keys and values), bytes used (fastmmap: the records in
 * its pages; Chronicle Map: its off-heap memory; Redis: used_memory growth; Caffeine: heap growth after full
 * collections, measured here), file size, overhead per entry = (used - live) / entries, and file size over live
 * data. With {@code overcommit2x} the fastmmap file is full and evicting: its file size over live data is then what
 * a full cache costs.
 */
public final class Footprint {
    private Footprint() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: Footprint OUT.jsonl KEYS VALUE_BYTES fit|overcommit2x STORE...");
        }
        Path out = Path.of(args[0]);
        PeerWorkload workload = PeerWorkload.of(Integer.parseInt(args[1]), Integer.parseInt(args[2]), "get90",
                "uniform", args[3]);
        for (int i = 4; i < args.length; i++) {
            String line = measure(args[i], workload);
            System.out.println(line);
            Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static String measure(String name, PeerWorkload workload) {
        Path dir = Workload.tempDir();
        long heapBefore = heapUsed();
        try (PeerStore store = PeerStores.open(name, workload, dir)) {
            PeerStore.Space space = store.space();
            if (space.usedBytes() < 0 && name.equals("caffeine")) {
                space = new PeerStore.Space(space.entryCount(), space.liveBytes(), heapUsed() - heapBefore, 0,
                        "heap used after full GCs, filled minus empty (keys, values, Caffeine's nodes)");
            }
            return String.format(Locale.ROOT, "{\"store\":\"%s\",\"jdk\":%d,\"workload\":\"%s\",\"entries\":%d,"
                    + "\"liveBytes\":%d,\"usedBytes\":%d,\"fileBytes\":%d,\"overheadPerEntry\":%s,"
                    + "\"fileOverLive\":%s,\"how\":\"%s\"}", name, Runtime.version().feature(), workload.label(),
                    space.entryCount(), space.liveBytes(), space.usedBytes(), space.fileBytes(),
                    json(space.overheadBytesPerEntry()), json(space.fileOverLive()), space.how());
        } finally {
            Workload.deleteTree(dir);
        }
    }

    private static String json(double value) {
        return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static long heapUsed() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
