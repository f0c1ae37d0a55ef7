package io.fastmmap.benchmarks.peers;

import io.fastmmap.benchmarks.MappedRegion;
import io.fastmmap.benchmarks.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor: what no mapped cache can beat. A get hashes the key (XXH64, as the engine) to one of keyCount value
 * slots of a plain shared mapping and copies the slot into a new array; a set copies the value into the slot. No
 * lock, no lookup, no checksum, no eviction. The same floor as {@code CacheBenchmark.floor}, on the peers' workload.
 */
final class FloorStore implements PeerStore {
    private final MappedRegion region;
    private final byte[][] keys;
    private final byte[] value;
    private final Path file;

    FloorStore(PeerWorkload workload, Path dir) {
        keys = workload.keys();
        value = workload.value();
        file = dir.resolve("floor.bin");
        long bytes = (long) workload.keyCount() * workload.valueSize();
        try {
            region = MappedRegion.create(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + bytes + " bytes of " + file, e);
        }
        for (int key = 0; key < keys.length; key++) {
            region.write(offset(key), value);
        }
    }

    private long offset(int key) {
        return (long) Workload.floorSlot(keys[key], keys.length) * value.length;
    }

    @Override
    public Client client() {
        return new Client() {
            @Override
            public byte[] get(int key) {
                return region.read(offset(key), value.length);
            }

            @Override
            public void set(int key) {
                region.write(offset(key), value);
            }
        };
    }

    @Override
    public Space space() {
        long live = PeerWorkload.liveBytes(keys, value.length);
        return new Space(keys.length, live, -1, (long) keys.length * value.length, "no keys stored: not a cache");
    }

    @Override
    public void close() {
        region.close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
