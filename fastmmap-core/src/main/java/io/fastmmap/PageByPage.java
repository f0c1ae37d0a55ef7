package io.fastmmap;

import io.fastmmap.internal.Engine;
import io.fastmmap.internal.PageScan;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Walks a cache one page at a time: each page is locked just long enough to copy its live entries, so no lock is
 * held between calls to {@code next()} and the loop body may use the cache freely.
 */
final class PageByPage<T> implements Iterator<T> {
    private final Engine engine;
    private final boolean withValues;
    private final Function<PageScan.Entry, T> convert;
    private int nextPage;
    private List<PageScan.Entry> batch = List.of();
    private int indexInBatch;

    PageByPage(Engine engine, boolean withValues, Function<PageScan.Entry, T> convert) {
        this.engine = engine;
        this.withValues = withValues;
        this.convert = convert;
    }

    @Override
    public boolean hasNext() {
        while (indexInBatch == batch.size()) {
            if (nextPage == engine.pageCount()) {
                return false;
            }
            batch = engine.scanPage(nextPage++, withValues);
            indexInBatch = 0;
        }
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("every page of " + engine.file() + " has been visited");
        }
        return convert.apply(batch.get(indexInBatch++));
    }
}
