package io.fastmmap;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Converts the elements of an iterator and drops those the conversion turns into null (the typed views use null for
 * "known absent" markers and expired entries they skip).
 */
final class FilteringIterator<S, T> implements Iterator<T> {
    private final Iterator<S> source;
    private final Function<S, T> convertOrNull;
    private T next;

    FilteringIterator(Iterator<S> source, Function<S, T> convertOrNull) {
        this.source = source;
        this.convertOrNull = convertOrNull;
    }

    @Override
    public boolean hasNext() {
        while (next == null && source.hasNext()) {
            next = convertOrNull.apply(source.next());
        }
        return next != null;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more entries");
        }
        T result = next;
        next = null;
        return result;
    }
}
