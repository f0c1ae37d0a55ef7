package io.fastmmap.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A copy of fastmmap-core's (package-private) XXH64, so the floor benchmark hashes exactly as the engine does
 * without reaching into the engine's internals.
 */
final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private XxHash64() {
    }

    static long hash(byte[] input, long seed) {
        int length = input.length;
        int at = 0;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = length - 32;
            do {
                v1 = round(v1, (long) LONG.get(input, at));
                v2 = round(v2, (long) LONG.get(input, at + 8));
                v3 = round(v3, (long) LONG.get(input, at + 16));
                v4 = round(v4, (long) LONG.get(input, at + 24));
                at += 32;
            } while (at <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += length;
        for (; at + 8 <= length; at += 8) {
            h ^= round(0, (long) LONG.get(input, at));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (at + 4 <= length) {
            h ^= (Integer.toUnsignedLong((int) INT.get(input, at))) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            at += 4;
        }
        for (; at < length; at++) {
            h ^= (input[at] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    /** A fast 64-bit mix of one value: the xxHash finaliser. */
    static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long lane) {
        acc += lane * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long value) {
        acc ^= round(0, value);
        return acc * P1 + P4;
    }
}
