package io.fastmmap.session;

import io.fastmmap.FastMmapException;

/** An attribute value that cannot be written to or read from the session file; the message says how to fix it. */
public class SessionSerializationException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /** @param message which attribute, which type, and what to change */
    public SessionSerializationException(String message) {
        super(message);
    }

    /**
     * @param message which attribute, which type, and what to change
     * @param cause the serializer's failure
     */
    public SessionSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
