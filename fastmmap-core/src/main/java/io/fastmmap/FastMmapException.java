package io.fastmmap;

/**
 * The one base type of every failure fastmmap reports. Programming errors (a null key, a negative size) are
 * reported with the JDK's own {@link IllegalArgumentException} / {@link NullPointerException} /
 * {@link IllegalStateException} instead.
 *
 * <p>Messages say what happened, to which file, page or key, and what to do about it.
 */
public class FastMmapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, where, and what to do */
    public FastMmapException(String message) {
        super(message);
    }

    /**
     * @param message what happened, where, and what to do
     * @param cause the underlying failure
     */
    public FastMmapException(String message, Throwable cause) {
        super(message, cause);
    }
}
