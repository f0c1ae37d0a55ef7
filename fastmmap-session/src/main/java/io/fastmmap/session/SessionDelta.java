package io.fastmmap.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one request changed in a session: the attributes it set or removed, its access time, and optionally a new
 * max inactive interval or principal. {@link SessionStore#applyDelta} merges it into the stored session atomically,
 * so concurrent requests that change different attributes all survive, and per attribute the last writer wins.
 *
 * <p>A delta for a session that does not exist (deleted, expired or evicted meanwhile) is dropped, unless it was
 * built with {@link Builder#createdAt} for a brand-new session: a logged-out session is never brought back by a
 * request that was still running.
 */
public final class SessionDelta {
    private final Map<String, Object> changes;
    private final Instant lastAccessedAt;
    private final Duration maxInactiveInterval;
    private final boolean principalChanged;
    private final String principalName;
    private final Instant createdAt;

    private SessionDelta(Builder b) {
        this.changes = Collections.unmodifiableMap(b.changes);
        this.lastAccessedAt = b.lastAccessedAt;
        this.maxInactiveInterval = b.maxInactiveInterval;
        this.principalChanged = b.principalChanged;
        this.principalName = b.principalName;
        this.createdAt = b.createdAt;
    }

    /** @return a builder for an empty delta */
    public static Builder builder() {
        return new Builder();
    }

    /** @return attribute name to new value; a null value removes the attribute */
    public Map<String, Object> changes() {
        return changes;
    }

    /** @return the request's access time, or null to leave it */
    public Instant lastAccessedAt() {
        return lastAccessedAt;
    }

    /** @return the new max inactive interval, or null to leave it */
    public Duration maxInactiveInterval() {
        return maxInactiveInterval;
    }

    /** @return true when the delta sets the principal name (possibly to null) */
    public boolean principalChanged() {
        return principalChanged;
    }

    /** @return the new principal name when {@link #principalChanged()}, else null */
    public String principalName() {
        return principalName;
    }

    /** @return the creation time when this delta may create the session, else null */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return true when applying this delta changes nothing but possibly the access time */
    public boolean onlyTouches() {
        return changes.isEmpty() && maxInactiveInterval == null && !principalChanged && createdAt == null;
    }

    /** Collects one request's changes. */
    public static final class Builder {
        private Map<String, Object> changes = new LinkedHashMap<>();
        /** Set once a delta took over {@link #changes}: a further change copies them first (one map per save). */
        private boolean changesShared;
        private Instant lastAccessedAt;
        private Duration maxInactiveInterval;
        private boolean principalChanged;
        private String principalName;
        private Instant createdAt;

        private Builder() {
        }

        /**
         * @param name the attribute
         * @param value its new value; null removes it
         * @return this builder
         */
        public Builder setAttribute(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (changesShared) {
                changes = new LinkedHashMap<>(changes);
                changesShared = false;
            }
            changes.put(name, value);
            return this;
        }

        /**
         * @param name the attribute to remove
         * @return this builder
         */
        public Builder removeAttribute(String name) {
            return setAttribute(name, null);
        }

        /**
         * @param time when the request accessed the session; the stored time only moves forward
         * @return this builder
         */
        public Builder lastAccessedAt(Instant time) {
            this.lastAccessedAt = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * @param interval zero or positive
         * @return this builder
         */
        public Builder maxInactiveInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("maxInactiveInterval=" + interval + "; it must be zero or positive");
            }
            this.maxInactiveInterval = interval;
            return this;
        }

        /**
         * @param name the user the session now belongs to, or null for none
         * @return this builder
         */
        public Builder principalName(String name) {
            this.principalChanged = true;
            this.principalName = name;
            return this;
        }

        /**
         * Marks the delta as creating a new session when none exists under its id.
         *
         * @param time the session's creation time
         * @return this builder
         */
        public Builder createdAt(Instant time) {
            this.createdAt = Objects.requireNonNull(time, "time");
            return this;
        }

        /** @return the delta */
        public SessionDelta build() {
            changesShared = true;
            return new SessionDelta(this);
        }
    }
}
