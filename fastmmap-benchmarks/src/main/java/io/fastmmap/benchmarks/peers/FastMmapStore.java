package io.fastmmap.benchmarks.peers;

import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.benchmarks.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** fastmmap: one cache file, shared by every thread (and, in {@link MultiProcessDriver}, every process). */
final class FastMmapStore implements PeerStore {
    private final FastMmap cache;
    private final byte[][] keys;
    private final byte[] value;

    private FastMmapStore(FastMmap cache, byte[][] keys, byte[] value) {
        this.cache = cache;
        this.keys = keys;
        this.value = value;
    }

    /**
     * Creates {@code file} sized for the workload (pages 40% full when it fits, half the live data when
     * overcommitted) and stores every key once.
     */
    static FastMmapStore create(PeerWorkload workload, Path file) {
        FastMmap.Builder builder = builder(workload, file).recreate(true).deleteOnClose(true);
        FastMmapStore store = new FastMmapStore(builder.build(), workload.keys(), workload.value());
        for (int key = 0; key < store.keys.length; key++) {
            store.set(key);
        }
        long evictions = store.cache.stats().evictionCount();
        if (workload.sizing() == PeerWorkload.Sizing.FIT && evictions != 0) {
            store.close();
            throw new IllegalStateException(evictions + " evictions while filling " + file + " for "
                    + workload.label() + ": the cache sized to fit is too small");
        }
        return store;
    }

    /** Opens a file {@link #create} made (another process's), without changing it. */
    static FastMmapStore open(PeerWorkload workload, Path file) {
        return new FastMmapStore(builder(workload, file).build(), workload.keys(), workload.value());
    }

    /** The cache geometry for the workload: 40% full when it fits, half the live data when overcommitted. */
    static FastMmap.Builder builder(PeerWorkload workload, Path file) {
        return FastMmap.builder(file).pageSize(Workload.pageSize(workload.valueSize())).pageCount(pageCount(workload));
    }

    /** Pages of {@link Workload#pageSize} bytes: 40% full when the workload fits, else its live data over capacity. */
    static int pageCount(PeerWorkload workload) {
        double fill = workload.sizing() == PeerWorkload.Sizing.FIT ? Workload.noEvictionFill()
                : 1 / workload.sizing().capacityShare;
        return Workload.pageCount(workload.valueSize(), workload.keyCount(), PeerWorkload.MEAN_KEY_BYTES, fill);
    }

    FastMmap cache() {
        return cache;
    }

    /** Every thread shares the one instance: closing a client leaves the cache open. */
    @Override
    public Client client() {
        return new Client() {
            @Override
            public byte[] get(int key) {
                return cache.get(keys[key]);
            }

            @Override
            public void set(int key) {
                cache.set(keys[key], value);
            }
        };
    }

    private void set(int key) {
        cache.set(keys[key], value);
    }

    /** usedBytes: the records (header, key, value, padding) the pages hold, as the file's page headers count them. */
    @Override
    public Space space() {
        CacheStats stats = cache.stats();
        long allLive = PeerWorkload.liveBytes(keys, value.length);
        // After evictions the entries held are a sample of the keys: their mean size stands for theirs.
        long live = stats.entryCount() == keys.length ? allLive : stats.entryCount() * allLive / keys.length;
        try {
            return new Space(stats.entryCount(), live, stats.usedBytes(), Files.size(cache.file()),
                    "records in the pages (CacheStats.usedBytes)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
