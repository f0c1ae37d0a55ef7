package io.fastmmap;

import java.util.List;

/**
 * A read, write or delete callback of a {@link TypedCache} threw. The page lock was already released (callbacks
 * never run with a page locked, except {@code compute}'s function), and the message says which callback failed for
 * which key and what state the cache was left in. The callback's exception is the cause; when several write-backs
 * failed at once, the others are suppressed exceptions.
 */
public class CallbackException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    private final transient List<CacheEntry> unwritten;

    /**
     * @param message which callback, which key, the state of the cache, what to do
     * @param cause what the callback threw
     * @param unwritten dirty entries that left the cache without being written back (empty for other failures)
     */
    public CallbackException(String message, Throwable cause, List<CacheEntry> unwritten) {
        super(message, cause);
        this.unwritten = List.copyOf(unwritten);
    }

    /**
     * @return the write-back entries (raw key and stored value bytes, with flags) that left the cache but could not
     *     be written: the only remaining copy of that data, to retry or log
     */
    public List<CacheEntry> unwritten() {
        return unwritten == null ? List.of() : unwritten;
    }
}
