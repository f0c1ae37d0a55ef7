package io.fastmmap.session;

import io.fastmmap.FastMmapException;

/**
 * A session does not fit in one page of the session file. Nothing was changed: the session keeps its previous
 * contents. Store less in the session, or raise the page size ({@code page-size} /
 * {@code SessionStoreConfig.Builder.cache(file -> file.pageSize(...))}); the live sessions are carried over to a
 * file of the new size at the next start.
 */
public class SessionTooLargeException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    private final long sessionByteCount;
    private final long maxSessionByteCount;

    /**
     * @param message which session, the sizes, and the option to raise
     * @param sessionByteCount the serialized size of the session
     * @param maxSessionByteCount the largest session the file can hold
     * @param cause the engine's report, or null
     */
    public SessionTooLargeException(String message, long sessionByteCount, long maxSessionByteCount,
            Throwable cause) {
        super(message, cause);
        this.sessionByteCount = sessionByteCount;
        this.maxSessionByteCount = maxSessionByteCount;
    }

    /** @return bytes the serialized session needs */
    public long sessionByteCount() {
        return sessionByteCount;
    }

    /** @return the largest serialized session this file can hold */
    public long maxSessionByteCount() {
        return maxSessionByteCount;
    }
}
