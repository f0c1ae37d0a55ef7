package io.fastmmap;

/**
 * A key or value could not be encoded or decoded by its {@link Codec}, or a stored value could not be
 * decompressed. The message names the key (when known), the codec and what to do.
 */
public class CodecException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, for which key, and what to do */
    public CodecException(String message) {
        super(message);
    }

    /**
     * @param message what failed, for which key, and what to do
     * @param cause the underlying failure
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
