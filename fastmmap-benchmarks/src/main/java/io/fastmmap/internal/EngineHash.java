package io.fastmmap.internal;

/**
 * The engine's own XXH64, for the floor benchmarks: they must hash exactly as the engine does. The benchmarks jar
 * is used on the class path, where this class shares core's package, so core's hash stays package-private and is
 * not copied.
 */
public final class EngineHash {
    private EngineHash() {
    }

    /** @return XXH64 of {@code key} with {@code seed}, as fastmmap-core computes it */
    public static long xxh64(byte[] key, long seed) {
        return XxHash64.hash(key, seed);
    }
}
