package io.fastmmap.jetty;

import java.util.Map;
import org.eclipse.jetty.session.SessionData;

/**
 * Jetty's session data plus what the store last exchanged with the file for it: the serialized attributes it loaded
 * or saved. A save compares against them to find what this request changed (including objects changed in place
 * without {@code setAttribute}), and merges only that into the stored session.
 */
final class FastMmapSessionData extends SessionData {
    private static final long serialVersionUID = 1L;

    /** Attribute name to the bytes in the file when this copy last matched it; null before that. */
    private transient Map<String, byte[]> synced;

    FastMmapSessionData(String id, String contextPath, String vhost, long created, long accessed, long lastAccessed,
            long maxInactiveMs) {
        super(id, contextPath, vhost, created, accessed, lastAccessed, maxInactiveMs);
    }

    Map<String, byte[]> synced() {
        return synced;
    }

    void synced(Map<String, byte[]> attributes) {
        this.synced = attributes;
    }
}
