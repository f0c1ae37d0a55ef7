package io.fastmmap.spring.session;

import io.fastmmap.session.InvalidSessionIdException;
import io.fastmmap.session.SessionData;
import io.fastmmap.session.SessionDelta;
import io.fastmmap.session.SessionIds;
import io.fastmmap.session.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.session.DelegatingIndexResolver;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.IndexResolver;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * A Spring Session repository on a fastmmap {@link SessionStore}: sessions shared by every process (every instance of
 * the application on this host) that opens the same file.
 *
 * <ul>
 *   <li><b>Saves are deltas</b>: only attributes set (or, with {@link SaveMode#ON_GET_ATTRIBUTE}, read) in this
 *       request are written, merged atomically into the stored session ({@link SessionStore#applyDelta}); concurrent
 *       requests that change different attributes all survive, and a session deleted (logged out) meanwhile is not
 *       recreated by a request that was still running.
 *   <li>{@link FlushMode#IMMEDIATE} writes every change at once; {@link FlushMode#ON_SAVE} (default) at the end of the
 *       request.
 *   <li>Session ids, the generated ones too ({@link #setSessionIdGenerator}), must pass {@link SessionIds} (the
 *       default UUIDs do).
 *   <li>{@link Session#changeSessionId()} is applied on save as an atomic move ({@link SessionStore#changeSessionId}).
 *   <li>{@link #findByPrincipalName} works through the store's principal index, fed by the
 *       {@link IndexResolver} (by default the {@code PRINCIPAL_NAME_INDEX_NAME} attribute or the Spring Security
 *       context's name).
 *   <li>{@link #cleanUpExpiredSessions()} removes expired sessions and publishes a {@link SessionExpiredEvent} for
 *       each; {@link #deleteById} publishes a {@link SessionDeletedEvent}, and the first save of a new session a
 *       {@link SessionCreatedEvent}. Deleted and expired events reach the other instances on the file too
 *       ({@link #publishEventsOfOtherInstances()}, about a second later).
 * </ul>
 */
public class FastMmapSessionRepository extends SessionRepositorySettings
        implements FindByIndexNameSessionRepository<FastMmapSessionRepository.FastMmapSession>, DisposableBean {
    private static final System.Logger LOG = System.getLogger(FastMmapSessionRepository.class.getName());
    /** Where Spring Security keeps its context, which the default index resolver reads the principal name from. */
    private static final String SECURITY_CONTEXT_ATTRIBUTE = "SPRING_SECURITY_CONTEXT";
    /** Marks an attribute this request did not change (a null value in the delta is a removal). */
    private static final Object UNCHANGED = new Object();

    private final SessionStore store;
    private boolean ownsStore;
    /** Reads only {@code PRINCIPAL_NAME_INDEX_NAME} and the security context, so saves that set neither skip it. */
    private final IndexResolver<Session> defaultIndexResolver =
            new DelegatingIndexResolver<>(new PrincipalNameIndexResolver<>());
    private IndexResolver<Session> indexResolver = defaultIndexResolver;
    private ApplicationEventPublisher eventPublisher = event -> { };

    /** @param store the session store; the repository does not close it */
    public FastMmapSessionRepository(SessionStore store) {
        super(Objects.requireNonNull(store, "store").config().defaultMaxInactiveInterval());
        this.store = store;
    }

    /**
     * @param store a store this repository closes when the Spring context closes
     * @return the repository
     */
    public static FastMmapSessionRepository owning(SessionStore store) {
        FastMmapSessionRepository repository = new FastMmapSessionRepository(store);
        repository.ownsStore = true;
        return repository;
    }

    /** Closes the store when this repository opened it ({@link #owning}). */
    @Override
    public void destroy() {
        if (ownsStore) {
            store.close();
        }
    }

    /** @return the store this repository writes to */
    public SessionStore getSessionStore() {
        return store;
    }

    /** @param indexResolver finds the principal name of a session */
    public void setIndexResolver(IndexResolver<Session> indexResolver) {
        this.indexResolver = Objects.requireNonNull(indexResolver, "indexResolver");
    }

    /** @param publisher receives session created, deleted and expired events */
    public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
        this.eventPublisher = Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public FastMmapSession createSession() {
        Instant now = Instant.now();
        FastMmapSession session = new FastMmapSession(sessionIdGenerator().generate(), now, now,
                defaultMaxInactiveInterval(), Map.of(), true, null);
        session.flushImmediateIfNecessary();
        return session;
    }

    @Override
    public void save(FastMmapSession session) {
        session.save();
    }

    /** @return the session, or null when absent, expired, unreadable, or when the id is malformed */
    @Override
    public FastMmapSession findById(String id) {
        SessionData data;
        try {
            data = store.getSessionData(id); // checks the id before touching the file
        } catch (InvalidSessionIdException e) {
            return null;
        }
        return data == null ? null : loaded(id, data);
    }

    @Override
    public void deleteById(String id) {
        if (!SessionIds.isValid(id)) {
            return;
        }
        SessionData data = readQuietly(id);
        if (store.deleteSessionData(id) && data != null) {
            publish(new SessionDeletedEvent(this, toMapSession(id, data)));
        }
    }

    @Override
    public Map<String, FastMmapSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
            return Collections.emptyMap();
        }
        Map<String, FastMmapSession> sessions = new LinkedHashMap<>();
        for (Map.Entry<String, SessionData> e : store.findByPrincipalName(indexValue).entrySet()) {
            sessions.put(e.getKey(), loaded(e.getKey(), e.getValue()));
        }
        return sessions;
    }

    /**
     * Removes expired sessions from the file and publishes a {@link SessionExpiredEvent} for each. Run by the
     * cleanup schedule of {@link EnableFastMmapHttpSession} (every minute by default).
     *
     * @return how many sessions were removed
     */
    public int cleanUpExpiredSessions() {
        List<SessionStore.ExpiredSession> removed = store.deleteExpiredSessions();
        for (SessionStore.ExpiredSession expired : removed) {
            publish(new SessionExpiredEvent(this, toMapSession(expired.id(), expired.data())));
        }
        if (!removed.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "removed " + removed.size() + " expired sessions");
        }
        return removed.size();
    }

    /**
     * Publishes the {@link SessionDeletedEvent}s and {@link SessionExpiredEvent}s of sessions that other instances
     * on the file deleted or removed as expired since the last call, oldest first, as Spring Session's indexed Redis
     * store broadcasts them to every instance: so {@code HttpSessionListener}s and WebSocket registries here hear of
     * a logout on another instance. Run every second by {@link FastMmapSessionEventRelay}; this instance's own
     * events were published when they happened.
     *
     * @return how many events were published
     */
    public int publishEventsOfOtherInstances() {
        List<SessionStore.SessionEvent> events = store.pollEvents();
        for (SessionStore.SessionEvent event : events) {
            MapSession session = toMapSession(event.id(), event.data());
            publish(event.kind() == SessionStore.SessionEvent.Kind.EXPIRED ? new SessionExpiredEvent(this, session)
                    : new SessionDeletedEvent(this, session));
        }
        return events.size();
    }

    private SessionData readQuietly(String id) {
        try {
            return store.getSessionData(id);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "session " + id + " is deleted without being read: " + e);
            return null;
        }
    }

    private void publish(ApplicationEvent event) {
        try {
            eventPublisher.publishEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a session event listener failed: " + e, e);
        }
    }

    private FastMmapSession loaded(String id, SessionData data) {
        return new FastMmapSession(id, data.createdAt(), data.lastAccessedAt(), data.maxInactiveInterval(),
                data.attributes(), false, data.principalName());
    }

    /** A copy for events, which listeners may keep after the request. */
    private static MapSession toMapSession(String id, SessionData data) {
        return mapSession(id, data.createdAt(), data.lastAccessedAt(), data.maxInactiveInterval(), data.attributes());
    }

    private static MapSession mapSession(String id, Instant created, Instant lastAccessed, Duration maxInactive,
            Map<String, Object> attributes) {
        MapSession session = new MapSession(id);
        session.setCreationTime(created);
        session.setLastAccessedTime(lastAccessed);
        session.setMaxInactiveInterval(maxInactive);
        attributes.forEach(session::setAttribute);
        return session;
    }

    /**
     * A session being used by one request: the state loaded (or last saved) plus what this request changed. The loaded
     * attributes are not copied: the store hands out an unmodifiable map (shared between requests when every value
     * is immutable), and this request's changes live in {@code delta}, which is read first.
     */
    public final class FastMmapSession implements Session {
        private String id;
        private final Instant creationTime;
        private Instant lastAccessedTime;
        private Duration maxInactiveInterval;
        /** The attributes as loaded or last saved; never modified, replaced on save. */
        private Map<String, Object> saved;
        /**
         * Attributes to write on save: set (null: removed) or, per SaveMode, read by this request. Typed as the class,
         * not {@code Map}: cheaper calls while the JIT has not yet inlined them (in a busy app, for minutes).
         */
        private final HashMap<String, Object> delta = new HashMap<>();
        /**
         * True after a save: {@code delta} then holds values already written, kept for reads until the next change
         * folds them into {@code saved}; most sessions are never touched after their save, so most never fold.
         */
        private boolean deltaWritten;
        private boolean isNew;
        private String originalId;
        private String storedPrincipal;
        private boolean maxInactiveChanged;

        FastMmapSession(String id, Instant creationTime, Instant lastAccessedTime, Duration maxInactiveInterval,
                Map<String, Object> saved, boolean isNew, String storedPrincipal) {
            this.id = id;
            this.creationTime = creationTime;
            this.lastAccessedTime = lastAccessedTime;
            this.maxInactiveInterval = maxInactiveInterval;
            this.saved = saved;
            this.isNew = isNew;
            this.originalId = id;
            this.storedPrincipal = storedPrincipal;
            if (isNew || saveMode() == SaveMode.ALWAYS) {
                delta.putAll(saved);
            }
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String changeSessionId() {
            id = sessionIdGenerator().generate();
            flushImmediateIfNecessary();
            return id;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getAttribute(String name) {
            Object value = delta.getOrDefault(name, UNCHANGED);
            if (value == UNCHANGED) {
                value = saved.get(name);
            }
            if (value != null && saveMode() == SaveMode.ON_GET_ATTRIBUTE) {
                change(name, value);
            }
            return (T) value;
        }

        @Override
        public Set<String> getAttributeNames() {
            Set<String> names = new HashSet<>(saved.keySet());
            delta.forEach((name, value) -> {
                if (value == null) {
                    names.remove(name);
                } else {
                    names.add(name);
                }
            });
            return names;
        }

        @Override
        public void setAttribute(String name, Object value) {
            change(name, value);
            flushImmediateIfNecessary();
        }

        private void change(String name, Object value) {
            if (deltaWritten) {
                saved = current();
                delta.clear();
                deltaWritten = false;
            }
            delta.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            setAttribute(name, null);
        }

        @Override
        public Instant getCreationTime() {
            return creationTime;
        }

        @Override
        public void setLastAccessedTime(Instant time) {
            lastAccessedTime = time;
            flushImmediateIfNecessary();
        }

        @Override
        public Instant getLastAccessedTime() {
            return lastAccessedTime;
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            maxInactiveInterval = interval;
            maxInactiveChanged = true;
            flushImmediateIfNecessary();
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return maxInactiveInterval;
        }

        /** As {@link MapSession#isExpired()}: a negative interval never expires. */
        @Override
        public boolean isExpired() {
            return !maxInactiveInterval.isNegative()
                    && !Instant.now().minus(maxInactiveInterval).isBefore(lastAccessedTime);
        }

        void flushImmediateIfNecessary() {
            if (flushMode() == FlushMode.IMMEDIATE) {
                save();
            }
        }

        private void save() {
            SessionDelta.Builder b = SessionDelta.builder().lastAccessedAt(lastAccessedTime);
            if (!deltaWritten) {
                delta.forEach(b::setAttribute);
            }
            if (isNew) {
                b.createdAt(creationTime);
            }
            if (isNew || maxInactiveChanged) {
                b.maxInactiveInterval(storable(maxInactiveInterval));
            }
            String principal = principalMayHaveChanged()
                    ? indexResolver.resolveIndexesFor(this).get(PRINCIPAL_NAME_INDEX_NAME) : storedPrincipal;
            if (isNew || !Objects.equals(principal, storedPrincipal)) {
                b.principalName(principal);
            }
            SessionDelta changes = b.build();
            boolean exists = id.equals(originalId) ? store.applyDelta(id, changes)
                    : store.changeSessionId(originalId, id, changes);
            if (exists && isNew) {
                publish(new SessionCreatedEvent(FastMmapSessionRepository.this, mapSession(id, creationTime,
                        lastAccessedTime, maxInactiveInterval, current())));
            }
            isNew = false;
            originalId = id;
            storedPrincipal = principal;
            maxInactiveChanged = false;
            if (saveMode() == SaveMode.ALWAYS) {
                // everything the session holds is written again next time, removals only once
                saved = current();
                delta.clear();
                delta.putAll(saved);
                deltaWritten = false;
            } else {
                deltaWritten = true;
            }
        }

        /**
         * The default resolver finds the principal in two attributes only: when neither is in the delta (set, removed,
         * or read under {@link SaveMode#ON_GET_ATTRIBUTE}), the session's principal is the one stored with it, and a
         * save (every request) need not resolve it again. A custom resolver may read anything, so it always runs.
         */
        private boolean principalMayHaveChanged() {
            return isNew || indexResolver != defaultIndexResolver || delta.containsKey(PRINCIPAL_NAME_INDEX_NAME)
                    || delta.containsKey(SECURITY_CONTEXT_ATTRIBUTE);
        }

        /** @return the attributes with this request's changes applied */
        private Map<String, Object> current() {
            if (delta.isEmpty()) {
                return saved;
            }
            Map<String, Object> attributes = new HashMap<>(saved);
            delta.forEach((name, value) -> {
                if (value == null) {
                    attributes.remove(name);
                } else {
                    attributes.put(name, value);
                }
            });
            return attributes;
        }

        /** Spring's "never expires" (a negative interval) becomes the store's longest interval. */
        private Duration storable(Duration interval) {
            return interval.isNegative() ? store.config().maxInactiveIntervalLimit() : interval;
        }

        @Override
        public String toString() {
            return "FastMmapSession[" + getId() + "]";
        }
    }
}
