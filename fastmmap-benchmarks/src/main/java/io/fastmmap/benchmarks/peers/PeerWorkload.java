package io.fastmmap.benchmarks.peers;

import io.fastmmap.benchmarks.Workload;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The one workload every peer runs (JMH in one JVM, the multi-process driver, and the Perl driver through the files
 * {@link WorkloadFiles} writes): which keys, which values, which operations in which order.
 *
 * <ul>
 *   <li>keys: {@code keyCount} distinct keys of 32 to 64 printable bytes ({@code session:} + random characters);</li>
 *   <li>values: {@code valueSize} random bytes, the same array for every set (every peer stores a copy);</li>
 *   <li>operations: a stream of key indexes, each a get or a set in the proportion of the {@link Mix}, the keys
 *       drawn uniformly or Zipf(0.99)-distributed ({@link KeyDistribution}). The stream is generated before the
 *       measurement, so drawing random numbers is never part of what is measured;</li>
 *   <li>capacity ({@link Sizing}): sized to hold every key (nothing is evicted), or half of the live data, so the
 *       cache evicts all the time. A get that misses stores the value (cache-aside), so a read-heavy mix keeps
 *       evicting too.</li>
 * </ul>
 *
 * @param keyCount distinct keys
 * @param valueSize bytes per value
 * @param mix the share of gets and sets
 * @param distribution how keys are picked
 * @param sizing the cache's capacity against the live data
 */
public record PeerWorkload(int keyCount, int valueSize, Mix mix, KeyDistribution distribution, Sizing sizing) {
    public static final int MIN_KEY_BYTES = 32;
    public static final int MAX_KEY_BYTES = 64;
    /** The mean key length, for sizing the stores that want one (Chronicle Map's averageKeySize). */
    public static final int MEAN_KEY_BYTES = (MIN_KEY_BYTES + MAX_KEY_BYTES) / 2;
    /** In an operation stream: this bit set means "set", clear means "get"; the rest is the key index. */
    public static final int SET = 1 << 31;
    public static final int KEY_INDEX = ~SET;
    private static final long KEY_SEED = 7;
    private static final long VALUE_SEED = 11;

    /** The share of gets; the rest are sets. */
    public enum Mix {
        GET100(100), GET95(95), GET90(90), GET50(50), SET100(0);

        public final int getPercent;

        Mix(int getPercent) {
            this.getPercent = getPercent;
        }

        /** @return the mix named {@code get90}, {@code set100}, ... (case-insensitive) */
        public static Mix of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public enum KeyDistribution {
        UNIFORM, ZIPF;

        public static KeyDistribution of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public enum Sizing {
        /** Room for every key: nothing is evicted. */
        FIT(1.0),
        /** Room for half of the live data: twice overcommitted, so every store evicts. */
        OVERCOMMIT2X(0.5);

        /** Capacity for live data over the live data. */
        public final double capacityShare;

        Sizing(double capacityShare) {
            this.capacityShare = capacityShare;
        }

        public static Sizing of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public PeerWorkload {
        if (keyCount < 1 || keyCount > 14_000_000) {
            throw new IllegalArgumentException("keyCount must be 1..14,000,000 (distinct 4-character prefixes), not "
                    + keyCount);
        }
        if (valueSize < 1) {
            throw new IllegalArgumentException("valueSize must be at least 1 byte, not " + valueSize);
        }
    }

    /** From the JMH parameters or command-line options: {@code keys=10000 value=1024 mix=get90 ...}. */
    public static PeerWorkload of(int keyCount, int valueSize, String mix, String distribution, String sizing) {
        return new PeerWorkload(keyCount, valueSize, Mix.of(mix), KeyDistribution.of(distribution),
                Sizing.of(sizing));
    }

    public byte[][] keys() {
        return Workload.keys(keyCount, KEY_SEED, MIN_KEY_BYTES, MAX_KEY_BYTES);
    }

    public byte[] value() {
        return Workload.value(valueSize, VALUE_SEED);
    }

    /** @return the bytes of keys and values if every key is stored once: what "live data" means in the reports */
    public static long liveBytes(byte[][] keys, int valueSize) {
        long bytes = 0;
        for (byte[] key : keys) {
            bytes += key.length + valueSize;
        }
        return bytes;
    }

    /**
     * @param stream which stream: each thread or process has its own, so they do not walk in step
     * @return {@code count} operations ({@link #SET} bit and key index)
     */
    public int[] operations(int count, int stream) {
        SplittableRandom random = new SplittableRandom(0x5EED_0000L + stream * 1_000_003L);
        Zipf zipf = distribution == KeyDistribution.ZIPF ? Zipf.of(keyCount) : null;
        int[] ops = new int[count];
        for (int i = 0; i < count; i++) {
            int key = zipf == null ? random.nextInt(keyCount) : zipf.next(random);
            boolean set = random.nextInt(100) >= mix.getPercent;
            ops[i] = set ? key | SET : key;
        }
        return ops;
    }

    /** @return a short name for file names and report rows */
    public String label() {
        return keyCount + "keys-" + valueSize + "B-" + mix.name().toLowerCase(Locale.ROOT) + "-"
                + distribution.name().toLowerCase(Locale.ROOT) + "-" + sizing.name().toLowerCase(Locale.ROOT);
    }
}
