package io.fastmmap;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the failures of a series of write-backs, so that every entry is attempted and all failures are reported
 * together: the first as the cause, the others suppressed, every unwritten entry in
 * {@link CallbackException#unwritten()}.
 */
final class FailedWrites {
    private final List<CacheEntry> unwritten = new ArrayList<>();
    private String firstMessage;
    private Exception first;
    private final List<Exception> others = new ArrayList<>();

    void add(CacheEntry entry, String message, Exception cause) {
        unwritten.add(entry);
        if (first == null) {
            firstMessage = message;
            first = cause;
        } else {
            others.add(cause);
        }
    }

    /** @param summary appended to the first failure's message, e.g. how many of how many were unwritten */
    void throwIfAny(String summary) {
        if (first == null) {
            return;
        }
        CallbackException report = new CallbackException(firstMessage + " (" + unwritten.size() + summary + ")",
                first, unwritten);
        others.forEach(report::addSuppressed);
        throw report;
    }
}
