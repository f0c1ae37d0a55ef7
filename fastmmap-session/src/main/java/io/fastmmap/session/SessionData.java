package io.fastmmap.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One session's contents as an immutable value: attributes, creation and last-access time, max inactive interval and
 * principal name. The {@code with…} methods return changed copies.
 *
 * <p>A session expires {@link #maxInactiveInterval()} after its last access ({@link #expiresAt()}); a zero interval
 * means it is already expired when stored (Catalyst's {@code expires => 0}).
 */
public final class SessionData {
    private final Instant createdAt;
    private final Instant lastAccessedAt;
    private final Duration maxInactiveInterval;
    private final String principalName;
    private final Map<String, Object> attributes;

    private SessionData(Instant createdAt, Instant lastAccessedAt, Duration maxInactiveInterval,
            String principalName, Map<String, Object> attributes) {
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.lastAccessedAt = Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        this.maxInactiveInterval = Objects.requireNonNull(maxInactiveInterval, "maxInactiveInterval");
        if (maxInactiveInterval.isNegative()) {
            throw new IllegalArgumentException("maxInactiveInterval=" + maxInactiveInterval + "; it must be zero or"
                    + " positive (sessions that never expire are not supported: LRU would evict them anyway)");
        }
        this.principalName = principalName;
        this.attributes = Collections.unmodifiableMap(attributes);
    }

    /**
     * @param now creation and last-access time
     * @param maxInactiveInterval how long the session lives without being accessed
     * @return an empty session
     */
    public static SessionData create(Instant now, Duration maxInactiveInterval) {
        return new SessionData(now, now, maxInactiveInterval, null, new LinkedHashMap<>());
    }

    static SessionData of(Instant createdAt, Instant lastAccessedAt, Duration maxInactiveInterval,
            String principalName, Map<String, Object> attributes) {
        return new SessionData(createdAt, lastAccessedAt, maxInactiveInterval, principalName, attributes);
    }

    /** @return when the session was created */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return when a request last used the session */
    public Instant lastAccessedAt() {
        return lastAccessedAt;
    }

    /** @return how long the session lives without being accessed */
    public Duration maxInactiveInterval() {
        return maxInactiveInterval;
    }

    /** @return {@link #lastAccessedAt()} plus {@link #maxInactiveInterval()} */
    public Instant expiresAt() {
        return Instant.ofEpochMilli(saturatedAdd(lastAccessedAt.toEpochMilli(), maxInactiveInterval.toMillis()));
    }

    /**
     * @param now the current time
     * @return true when {@code now} is at or after {@link #expiresAt()}
     */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt());
    }

    /** @return the name of the user the session belongs to (the principal index's key), or null */
    public String principalName() {
        return principalName;
    }

    /** @return the attributes, unmodifiable, in insertion order */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * @param name an attribute name
     * @param <T> the expected type
     * @return the value, or null
     */
    @SuppressWarnings("unchecked")
    public <T> T attribute(String name) {
        return (T) attributes.get(name);
    }

    /**
     * @param name an attribute name
     * @param value the value; null removes the attribute
     * @return a copy with the attribute set
     */
    public SessionData withAttribute(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Map<String, Object> copy = new LinkedHashMap<>(attributes);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new SessionData(createdAt, lastAccessedAt, maxInactiveInterval, principalName, copy);
    }

    /**
     * @param time the new last-access time
     * @return a copy accessed at {@code time}
     */
    public SessionData withLastAccessedAt(Instant time) {
        return new SessionData(createdAt, time, maxInactiveInterval, principalName, new LinkedHashMap<>(attributes));
    }

    /**
     * @param interval zero or positive
     * @return a copy with that max inactive interval
     */
    public SessionData withMaxInactiveInterval(Duration interval) {
        return new SessionData(createdAt, lastAccessedAt, interval, principalName, new LinkedHashMap<>(attributes));
    }

    /**
     * @param name the principal name, or null for none
     * @return a copy indexed under that principal
     */
    public SessionData withPrincipalName(String name) {
        return new SessionData(createdAt, lastAccessedAt, maxInactiveInterval, name, new LinkedHashMap<>(attributes));
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionData other && createdAt.equals(other.createdAt)
                && lastAccessedAt.equals(other.lastAccessedAt) && maxInactiveInterval.equals(other.maxInactiveInterval)
                && Objects.equals(principalName, other.principalName) && attributes.equals(other.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(createdAt, lastAccessedAt, maxInactiveInterval, principalName, attributes);
    }

    @Override
    public String toString() {
        return "SessionData[created=" + createdAt + ", lastAccessed=" + lastAccessedAt + ", maxInactive="
                + maxInactiveInterval + ", principal=" + principalName + ", attributes=" + attributes.keySet() + "]";
    }
}
