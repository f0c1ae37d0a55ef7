package io.fastmmap.benchmarks.peers;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Redis on loopback through Jedis: one connection per benchmark thread (a {@link Client} each), plain commands
 * ({@link Client#run}: one round trip per operation) or pipelined ({@link Client#runBatch}: one round trip per
 * batch). The server is {@code -Dfastmmap.bench.redis=HOST:PORT} (default 127.0.0.1:6379), started by run-all.sh
 * without persistence; its database 0 is flushed when the store opens and closes.
 *
 * <p>Overcommitted sizing: after the fill, {@code maxmemory} is set to half of what the data took and the policy to
 * {@code allkeys-lru}, so Redis evicts; both are reset when the store closes.
 */
final class RedisStore implements PeerStore {
    private static final int FILL_BATCH = 1000;

    private final String host;
    private final int port;
    private final byte[][] keys;
    private final byte[] value;
    /** Jedis's default: a measured round trip slower than this is a failure worth seeing. */
    private static final int OPERATION_TIMEOUT_MILLIS = 2_000;
    /** Filling or flushing a million 1 KiB entries takes Redis several seconds (the default failed a full run). */
    private static final int ADMIN_TIMEOUT_MILLIS = 120_000;
    private final long emptyMemoryBytes;
    private final long filledMemoryBytes;

    RedisStore(PeerWorkload workload) {
        String address = System.getProperty("fastmmap.bench.redis", "127.0.0.1:6379");
        int colon = address.lastIndexOf(':');
        host = address.substring(0, colon);
        port = Integer.parseInt(address.substring(colon + 1));
        keys = workload.keys();
        value = workload.value();
        try (Jedis jedis = connect(ADMIN_TIMEOUT_MILLIS)) {
            jedis.configSet("maxmemory", "0");
            jedis.flushAll();
            emptyMemoryBytes = usedMemory(jedis);
            for (int from = 0; from < keys.length; from += FILL_BATCH) {
                Pipeline pipeline = jedis.pipelined();
                for (int key = from; key < Math.min(keys.length, from + FILL_BATCH); key++) {
                    pipeline.set(keys[key], value);
                }
                pipeline.sync();
            }
            filledMemoryBytes = usedMemory(jedis);
            if (workload.sizing() != PeerWorkload.Sizing.FIT) {
                long limit = (long) (filledMemoryBytes * workload.sizing().capacityShare);
                jedis.configSet("maxmemory-policy", "allkeys-lru");
                jedis.configSet("maxmemory", Long.toString(limit));
            }
        }
    }

    private Jedis connect(int timeoutMillis) {
        try {
            Jedis jedis = new Jedis(host, port, timeoutMillis);
            jedis.ping();
            return jedis;
        } catch (RuntimeException e) {
            throw new IllegalStateException("no Redis server at " + host + ":" + port + " (" + e.getMessage()
                    + "); start one (redis-server --port " + port + " --save '' --appendonly no) or run "
                    + "fastmmap-benchmarks/run-all.sh, which starts its own, or point -Dfastmmap.bench.redis=HOST:PORT "
                    + "at one", e);
        }
    }

    private static long usedMemory(Jedis jedis) {
        for (String line : jedis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("Redis INFO memory has no used_memory line");
    }

    @Override
    public Client client() {
        Jedis jedis = connect(OPERATION_TIMEOUT_MILLIS);
        return new Client() {
            @Override
            public byte[] get(int key) {
                return jedis.get(keys[key]);
            }

            @Override
            public void set(int key) {
                jedis.set(keys[key], value);
            }

            /** One round trip for the batch; gets that missed are stored in a second one (cache-aside). */
            @Override
            public int runBatch(int[] ops, int from, int count) {
                Pipeline pipeline = jedis.pipelined();
                List<Response<byte[]>> reads = new ArrayList<>(count);
                for (int i = from; i < from + count; i++) {
                    int key = ops[i] & PeerWorkload.KEY_INDEX;
                    if ((ops[i] & PeerWorkload.SET) != 0) {
                        pipeline.set(keys[key], value);
                        reads.add(null);
                    } else {
                        reads.add(pipeline.get(keys[key]));
                    }
                }
                pipeline.sync();
                int bytes = 0;
                Pipeline misses = null;
                for (int i = 0; i < count; i++) {
                    Response<byte[]> read = reads.get(i);
                    if (read == null) {
                        continue;
                    }
                    byte[] got = read.get();
                    if (got != null) {
                        bytes += got.length;
                    } else {
                        misses = misses == null ? jedis.pipelined() : misses;
                        misses.set(keys[ops[from + i] & PeerWorkload.KEY_INDEX], value);
                    }
                }
                if (misses != null) {
                    misses.sync();
                }
                return bytes;
            }

            @Override
            public void close() {
                jedis.close();
            }
        };
    }

    /** usedBytes: the growth of the server's used_memory from empty to filled (jemalloc's view, keys and values). */
    @Override
    public Space space() {
        return new Space(keys.length, PeerWorkload.liveBytes(keys, value.length), filledMemoryBytes - emptyMemoryBytes,
                0, "Redis INFO used_memory, filled minus empty");
    }

    @Override
    public void close() {
        try (Jedis jedis = connect(ADMIN_TIMEOUT_MILLIS)) {
            jedis.configSet("maxmemory", "0");
            jedis.flushAll();
        }
    }
}
