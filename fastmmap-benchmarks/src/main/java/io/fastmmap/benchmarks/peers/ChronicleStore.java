package io.fastmmap.benchmarks.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Chronicle Map persisted to a file (so, like fastmmap, a mapped file other processes could open), sized for the
 * workload's keys: {@code entries(keyCount)}, the mean key size and the constant value size.
 *
 * <p>Chronicle Map has no eviction, so it cannot run the overcommitted sizing: asked to, it refuses.
 *
 * <p>Sets go through a query context ({@code replaceValue}/{@code insert} under the update lock) rather than
 * {@code put}, which would copy out and return the previous value, a cost a cache user does not ask for.
 */
final class ChronicleStore implements PeerStore {
    private final ChronicleMap<byte[], byte[]> map;
    private final byte[][] keys;
    private final byte[] value;
    private final Path file;

    ChronicleStore(PeerWorkload workload, Path dir) {
        if (workload.sizing() != PeerWorkload.Sizing.FIT) {
            throw new UnsupportedOperationException("Chronicle Map has no eviction, so it cannot run sizing="
                    + workload.sizing() + "; run it with sizing=fit only");
        }
        keys = workload.keys();
        value = workload.value();
        file = dir.resolve("chronicle.dat");
        try {
            map = ChronicleMapBuilder.of(byte[].class, byte[].class)
                    .name("fastmmap-peers")
                    .entries(workload.keyCount())
                    .averageKeySize(PeerWorkload.MEAN_KEY_BYTES)
                    .constantValueSizeBySample(value)
                    .createPersistedTo(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Chronicle Map file " + file, e);
        }
        for (int key = 0; key < keys.length; key++) {
            set(key);
        }
    }

    private void set(int key) {
        try (ExternalMapQueryContext<byte[], byte[], ?> context = map.queryContext(keys[key])) {
            context.updateLock().lock();
            MapEntry<byte[], byte[]> entry = context.entry();
            if (entry != null) {
                context.replaceValue(entry, context.wrapValueAsData(value));
            } else {
                context.insert(context.absentEntry(), context.wrapValueAsData(value));
            }
        }
    }

    @Override
    public Client client() {
        return new Client() {
            @Override
            public byte[] get(int key) {
                return map.get(keys[key]);
            }

            @Override
            public void set(int key) {
                ChronicleStore.this.set(key);
            }
        };
    }

    /** usedBytes: Chronicle's offHeapMemoryUsed (it reserves room for entries() up front). */
    @Override
    public Space space() {
        try {
            return new Space(map.longSize(), PeerWorkload.liveBytes(keys, value.length), map.offHeapMemoryUsed(),
                    Files.size(file), "ChronicleMap.offHeapMemoryUsed (reserved for entries() up front)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        map.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
