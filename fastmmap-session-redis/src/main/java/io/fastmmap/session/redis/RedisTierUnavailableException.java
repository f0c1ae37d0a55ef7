package io.fastmmap.session.redis;

import io.fastmmap.FastMmapException;

/**
 * Redis did not answer a session read or write within the command timeout, or the connection to it is down. The
 * host's copy is deliberately not served meanwhile (a logout on another host must be honoured); requests succeed
 * again by themselves once Redis answers.
 */
public class RedisTierUnavailableException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, for which session, and what to do
     * @param cause Lettuce's error
     */
    public RedisTierUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
