package io.fastmmap;

import io.fastmmap.internal.PageScan;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Walks a cache one page at a time: each page is locked (or, by a {@link CacheReader}, read optimistically) just
 * long enough to copy its live entries, so no lock is held between calls to {@code next()} and the loop body may
 * use the cache freely.
 */
final class PageByPage<T> implements Iterator<T> {
    private final Path file;
    private final int pageCount;
    private final IntFunction<List<PageScan.Entry>> scanPage;
    private final Function<PageScan.Entry, T> convert;
    private int nextPage;
    private List<PageScan.Entry> batch = List.of();
    private int indexInBatch;

    PageByPage(Path file, int pageCount, IntFunction<List<PageScan.Entry>> scanPage,
            Function<PageScan.Entry, T> convert) {
        this.file = file;
        this.pageCount = pageCount;
        this.scanPage = scanPage;
        this.convert = convert;
    }

    @Override
    public boolean hasNext() {
        while (indexInBatch == batch.size()) {
            if (nextPage == pageCount) {
                return false;
            }
            batch = scanPage.apply(nextPage++);
            indexInBatch = 0;
        }
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("every page of " + file + " has been visited");
        }
        return convert.apply(batch.get(indexInBatch++));
    }
}
