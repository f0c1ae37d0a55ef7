package io.fastmmap.benchmarks;

import io.fastmmap.FastMmap;
import io.fastmmap.internal.EngineHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The data every benchmark works on: {@value #KEY_COUNT} keys of 32 to 40 bytes, each with a value of the
 * benchmark's size, in a fresh cache file big enough that nothing is ever evicted (pages about 40% full).
 *
 * <p>Many keys, spread by their hash over all pages, so consecutive operations touch different pages and cache
 * lines, as a real cache's would; the working set (10k x 1 KiB = 10 MiB for 1 KiB values) is larger than L2.
 */
public final class Workload {
    public static final int KEY_COUNT = 10_000;
    /** Fraction of page space the live entries take: low enough that Poisson imbalance never forces eviction. */
    private static final double FILL = 0.4;
    private static final int RECORD_HEADER_BYTES = 24;
    private static final byte[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".getBytes(StandardCharsets.US_ASCII);

    private Workload() {
    }

    /** @return {@code count} distinct keys like {@code "session:3fK9...":} 32 to 40 printable bytes */
    public static byte[][] keys(int count, long seed) {
        return keys(count, seed, 32, 40);
    }

    /**
     * @return {@code count} distinct keys like {@code "session:3fK9...":} {@code minBytes} to {@code maxBytes}
     *     printable bytes (at least 12: the prefix and four characters that keep up to 14.7 M keys distinct)
     */
    public static byte[][] keys(int count, long seed, int minBytes, int maxBytes) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] keys = new byte[count][];
        byte[] prefix = "session:".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            byte[] key = Arrays.copyOf(prefix, minBytes + random.nextInt(maxBytes - minBytes + 1));
            // The index in the first 4 random positions keeps keys distinct; the rest is random.
            int n = i;
            for (int at = prefix.length; at < key.length; at++) {
                if (at < prefix.length + 4) {
                    key[at] = ALPHABET[n % ALPHABET.length];
                    n /= ALPHABET.length;
                } else {
                    key[at] = ALPHABET[random.nextInt(ALPHABET.length)];
                }
            }
            keys[i] = key;
        }
        return keys;
    }

    /** @return a value of {@code size} random bytes */
    public static byte[] value(int size, long seed) {
        byte[] value = new byte[size];
        new SplittableRandom(seed).nextBytes(value);
        return value;
    }

    /** Pages of 64 KiB (Cache::FastMmap's default) for small values, 1 MiB for 16 KiB ones (more per page). */
    public static int pageSize(int valueSize) {
        return recordBytes(valueSize) <= 4096 ? 64 << 10 : 1 << 20;
    }

    /** @return pages for {@code keyCount} entries of {@code valueSize} bytes, about 40% full */
    public static int pageCount(int valueSize, int keyCount) {
        return pageCount(valueSize, keyCount, 40, FILL);
    }

    /**
     * @param keyBytes the (largest or mean) key length to plan for
     * @param fill the share of page space the {@code keyCount} entries should take; above 1 the cache is
     *     overcommitted and evicts
     * @return pages for {@code keyCount} entries of {@code valueSize} bytes
     */
    public static int pageCount(int valueSize, int keyCount, int keyBytes, double fill) {
        long bytes = (long) keyCount * recordBytes(valueSize, keyBytes);
        return (int) Math.max(1, Math.ceil(bytes / (pageSize(valueSize) * fill)));
    }

    /** The fill at which {@link #pageCount(int, int)} sizes a cache that never evicts. */
    public static double noEvictionFill() {
        return FILL;
    }

    private static int recordBytes(int valueSize) {
        return recordBytes(valueSize, 40);
    }

    private static int recordBytes(int valueSize, int keyBytes) {
        return (RECORD_HEADER_BYTES + keyBytes + valueSize + 7) & -8;
    }

    /**
     * Creates a cache file in {@code dir}, stores every key with a value of {@code valueSize} bytes, reads every
     * key back, and checks that nothing was evicted.
     */
    public static FastMmap openFilled(Path dir, byte[][] keys, int valueSize) {
        FastMmap cache = FastMmap.builder(dir.resolve("bench.fmm"))
                .pageSize(pageSize(valueSize))
                .pageCount(pageCount(valueSize, keys.length))
                .deleteOnClose(true)
                .build();
        byte[] value = value(valueSize, 42);
        for (byte[] key : keys) {
            cache.set(key, value);
        }
        for (int round = 0; round < 3; round++) {
            for (byte[] key : keys) {
                byte[] read = cache.get(key);
                if (read == null || read.length != valueSize) {
                    cache.close();
                    throw new IllegalStateException("key " + new String(key, StandardCharsets.US_ASCII)
                            + " reads back as " + (read == null ? "absent" : read.length + " bytes")
                            + "; the benchmark cache is too small for its " + keys.length + " keys");
                }
            }
        }
        if (cache.stats().evictionCount() != 0) {
            long evictions = cache.stats().evictionCount();
            cache.close();
            throw new IllegalStateException(evictions + " evictions while filling the benchmark cache");
        }
        return cache;
    }

    /**
     * The floor's lookup: XXH64 of the key (the engine's hash) picks one of {@code slotCount} value slots. Shared by
     * {@link CacheBenchmark#floor} and the peers' floor, so both measure the same thing.
     */
    public static int floorSlot(byte[] key, int slotCount) {
        long hash = EngineHash.xxh64(key, 0x5EEDL);
        return (int) (((hash >>> 32) * slotCount) >>> 32);
    }

    /** A new directory under {@code -Dfastmmap.bench.dir} (default: java.io.tmpdir). */
    public static Path tempDir() {
        try {
            Path base = Path.of(System.getProperty("fastmmap.bench.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "fastmmap-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return which build of fastmmap-core's SharedMemory this JVM loaded from the multi-release jar */
    public static String memoryBackend() {
        try {
            Class<?> memory = Class.forName("io.fastmmap.internal.SharedMemory");
            boolean segment = Arrays.stream(memory.getDeclaredFields())
                    .anyMatch(field -> field.getType().getName().equals("java.lang.foreign.MemorySegment"));
            return segment ? "MemorySegment (META-INF/versions/22)" : "MappedByteBuffer (Java 17 classes)";
        } catch (ClassNotFoundException e) {
            return "unknown: " + e;
        }
    }
}
