package io.fastmmap.benchmarks.peers;

import java.util.SplittableRandom;

/**
 * Zipf(0.99)-distributed key indexes, scrambled: rank r (0 the most popular) is drawn with Gray et al.'s constant-time
 * method ("Quickly generating billion-record synthetic databases", SIGMOD 1994, as YCSB does), then mapped to a key
 * index by a hash, so the popular keys are spread over the whole key space (and over a cache's pages) instead of
 * being the first few keys. As with YCSB's scrambled Zipfian, a few key indexes collide and some are never drawn.
 */
final class Zipf {
    static final double THETA = 0.99;

    private final int count;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double secondRankBound;

    private Zipf(int count) {
        this.count = count;
        double zeta = 0;
        for (int i = 1; i <= count; i++) {
            zeta += 1 / Math.pow(i, THETA);
        }
        zetaN = zeta;
        double zeta2 = 1 + Math.pow(0.5, THETA);
        alpha = 1 / (1 - THETA);
        eta = (1 - Math.pow(2.0 / count, 1 - THETA)) / (1 - zeta2 / zetaN);
        secondRankBound = zeta2;
    }

    static Zipf of(int count) {
        return new Zipf(count);
    }

    /** @return a key index in [0, count) */
    int next(SplittableRandom random) {
        double u = random.nextDouble();
        double uz = u * zetaN;
        long rank;
        if (uz < 1) {
            rank = 0;
        } else if (uz < secondRankBound) {
            rank = 1;
        } else {
            rank = Math.min(count - 1, (long) (count * Math.pow(eta * u - eta + 1, alpha)));
        }
        return (int) Long.remainderUnsigned(fnv1a(rank), count);
    }

    /** FNV-1a over the rank's 8 bytes: cheap and well spread, which is all the scrambling needs. */
    private static long fnv1a(long value) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < 8; i++) {
            hash ^= (value >>> (i * 8)) & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
