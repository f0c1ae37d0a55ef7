package io.fastmmap;

import java.util.concurrent.atomic.LongAdder;

/**
 * Hit, miss, set and remove counts of one {@link FastMmap} instance. Only created with
 * {@link FastMmap.Builder#enableStats}; striped adders keep counting threads off each other's cache lines.
 */
final class OperationCounters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder sets = new LongAdder();
    final LongAdder removes = new LongAdder();

    void read(Object valueOrNull) {
        (valueOrNull == null ? misses : hits).increment();
    }

    void removed(boolean present) {
        if (present) {
            removes.increment();
        }
    }
}
