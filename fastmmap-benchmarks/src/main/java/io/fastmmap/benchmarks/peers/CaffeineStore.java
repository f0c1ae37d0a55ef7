package io.fastmmap.benchmarks.peers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;

/**
 * Caffeine, on the heap of this JVM: the in-process ceiling no shared-memory cache can reach. Bounded by weight (key
 * and value bytes) to the workload's capacity, so the overcommitted sizing evicts here too. Maintenance runs on
 * the calling thread ({@code executor(Runnable::run)}), so its cost is counted in the operations that cause it.
 *
 * <p>A set stores a fresh copy of the value (as an application's new value would be); a get returns the stored
 * array itself, no copy: that is what an on-heap cache gives its users.
 */
final class CaffeineStore implements PeerStore {
    private final Cache<Key, byte[]> cache;
    private final Key[] keys;
    private final byte[] value;
    private final long liveBytes;

    /** A byte[] key with content equality, hashed once when the workload is prepared. */
    private record Key(byte[] bytes, int hash) {
        static Key of(byte[] bytes) {
            return new Key(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.hash == hash && Arrays.equals(key.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    CaffeineStore(PeerWorkload workload) {
        byte[][] raw = workload.keys();
        keys = new Key[raw.length];
        for (int i = 0; i < raw.length; i++) {
            keys[i] = Key.of(raw[i]);
        }
        value = workload.value();
        liveBytes = PeerWorkload.liveBytes(raw, value.length);
        cache = Caffeine.newBuilder()
                .maximumWeight((long) Math.ceil(liveBytes * workload.sizing().capacityShare))
                .weigher((Key key, byte[] stored) -> key.bytes.length + stored.length)
                .executor(Runnable::run)
                .build();
        for (int key = 0; key < keys.length; key++) {
            cache.put(keys[key], value.clone());
        }
    }

    @Override
    public Client client() {
        return new Client() {
            @Override
            public byte[] get(int key) {
                return cache.getIfPresent(keys[key]);
            }

            @Override
            public void set(int key) {
                cache.put(keys[key], value.clone());
            }
        };
    }

    /** The heap it takes is measured from outside ({@link Footprint}): here only entries and live bytes. */
    @Override
    public Space space() {
        long entries = cache.estimatedSize();
        return new Space(entries, liveBytes / keys.length * entries, -1, 0, "heap growth, see Footprint");
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
