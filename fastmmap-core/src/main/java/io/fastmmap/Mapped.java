package io.fastmmap;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Maps an iterator, skipping elements the function maps to null. */
final class Mapped<S, T> implements Iterator<T> {
    private final Iterator<S> source;
    private final Function<S, T> function;
    private T next;

    Mapped(Iterator<S> source, Function<S, T> function) {
        this.source = source;
        this.function = function;
    }

    @Override
    public boolean hasNext() {
        while (next == null && source.hasNext()) {
            next = function.apply(source.next());
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
