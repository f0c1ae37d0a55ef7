package io.fastmmap.benchmarks.peers;

/**
 * One peer, filled with a {@link PeerWorkload}'s keys and ready to run its operations. Keys are addressed by their
 * index in {@link PeerWorkload#keys()}, so each store prepares its own form of the keys once (wrapped for Caffeine,
 * as bytes for the others) and no key is converted while measuring.
 */
public interface PeerStore extends AutoCloseable {
    /** @return a client for one thread: for Redis its own connection, for the in-process stores a view */
    Client client();

    /** @return what the filled store takes in memory or on disk, for the overhead per entry */
    Space space();

    @Override
    void close();

    /** What one benchmark thread calls. */
    interface Client extends AutoCloseable {
        /** @return a copy of the value (Caffeine: the stored array itself), or null when absent */
        byte[] get(int key);

        /** Stores the workload's value under the key. */
        void set(int key);

        /**
         * Runs one operation of a stream: a set, or a get that stores the value when it misses (cache-aside).
         *
         * @return the bytes read, so that nothing is optimised away
         */
        default int run(int op) {
            int key = op & PeerWorkload.KEY_INDEX;
            if ((op & PeerWorkload.SET) != 0) {
                set(key);
                return 0;
            }
            byte[] value = get(key);
            if (value == null) {
                set(key);
                return 0;
            }
            return value.length;
        }

        /**
         * Runs {@code count} operations from {@code ops[from]} on. Redis sends them in one pipeline (one round
         * trip); the in-process stores just run them one after the other.
         */
        default int runBatch(int[] ops, int from, int count) {
            int bytes = 0;
            for (int i = from; i < from + count; i++) {
                bytes += run(ops[i]);
            }
            return bytes;
        }

        @Override
        default void close() {
        }
    }

    /**
     * Space taken by the entries a store holds.
     *
     * @param entryCount entries it holds
     * @param liveBytes their keys and values, in bytes
     * @param usedBytes what the store takes for them: fastmmap its records, Chronicle Map its off-heap memory,
     *     Redis its used_memory growth, Caffeine the heap growth; -1 when unknown
     * @param fileBytes the size of the file it maps (0 when there is none)
     * @param how how usedBytes was measured
     */
    record Space(long entryCount, long liveBytes, long usedBytes, long fileBytes, String how) {
        /** @return (used - live) / entries, or NaN when unknown */
        public double overheadBytesPerEntry() {
            return usedBytes < 0 || entryCount == 0 ? Double.NaN : (double) (usedBytes - liveBytes) / entryCount;
        }

        /** @return file size over live data, or NaN without a file */
        public double fileOverLive() {
            return fileBytes == 0 || liveBytes == 0 ? Double.NaN : (double) fileBytes / liveBytes;
        }
    }
}
