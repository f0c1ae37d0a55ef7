package io.fastmmap.session;

import io.fastmmap.FastMmapException;

/**
 * A session id that is not a plausible session id: wrong length or a character outside {@code [A-Za-z0-9_-]}.
 * Thrown before the store is touched, so a hostile cookie can neither reach the file nor name another key.
 */
public class InvalidSessionIdException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the id and what ids are accepted */
    public InvalidSessionIdException(String message) {
        super(message);
    }
}
