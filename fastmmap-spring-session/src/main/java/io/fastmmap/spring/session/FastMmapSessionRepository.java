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
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;
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
 *   <li>{@link Session#changeSessionId()} is applied on save as an atomic move ({@link SessionStore#changeSessionId}).
 *   <li>{@link #findByPrincipalName} works through the store's principal index, fed by the
 *       {@link IndexResolver} (by default the {@code PRINCIPAL_NAME_INDEX_NAME} attribute or the Spring Security
 *       context's name).
 *   <li>{@link #cleanUpExpiredSessions()} removes expired sessions and publishes a {@link SessionExpiredEvent} for
 *       each (once overall, by whichever process removes it); {@link #deleteById} publishes a
 *       {@link SessionDeletedEvent}, and the first save of a new session a {@link SessionCreatedEvent}.
 * </ul>
 */
public class FastMmapSessionRepository
        implements FindByIndexNameSessionRepository<FastMmapSessionRepository.FastMmapSession>, DisposableBean {
    private static final System.Logger LOG = System.getLogger(FastMmapSessionRepository.class.getName());

    private final SessionStore store;
    private boolean ownsStore;
    private Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;
    private FlushMode flushMode = FlushMode.ON_SAVE;
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;
    private IndexResolver<Session> indexResolver = new DelegatingIndexResolver<>(new PrincipalNameIndexResolver<>());
    private SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();
    private ApplicationEventPublisher eventPublisher = event -> { };

    /** @param store the session store; the repository does not close it */
    public FastMmapSessionRepository(SessionStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.defaultMaxInactiveInterval = store.config().defaultMaxInactiveInterval();
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

    /** @param interval max inactive interval of new sessions; default the store's (30 minutes) */
    public void setDefaultMaxInactiveInterval(Duration interval) {
        this.defaultMaxInactiveInterval = Objects.requireNonNull(interval, "interval");
    }

    /** @param flushMode when changes are written; default {@link FlushMode#ON_SAVE} */
    public void setFlushMode(FlushMode flushMode) {
        this.flushMode = Objects.requireNonNull(flushMode, "flushMode");
    }

    /** @param saveMode which attributes are written; default {@link SaveMode#ON_SET_ATTRIBUTE} */
    public void setSaveMode(SaveMode saveMode) {
        this.saveMode = Objects.requireNonNull(saveMode, "saveMode");
    }

    /** @param indexResolver finds the principal name of a session */
    public void setIndexResolver(IndexResolver<Session> indexResolver) {
        this.indexResolver = Objects.requireNonNull(indexResolver, "indexResolver");
    }

    /** @param generator makes new session ids; they must pass {@link SessionIds} (the default UUIDs do) */
    public void setSessionIdGenerator(SessionIdGenerator generator) {
        this.sessionIdGenerator = Objects.requireNonNull(generator, "generator");
    }

    /** @param publisher receives session created, deleted and expired events */
    public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
        this.eventPublisher = Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public FastMmapSession createSession() {
        MapSession cached = new MapSession(sessionIdGenerator);
        cached.setMaxInactiveInterval(defaultMaxInactiveInterval);
        FastMmapSession session = new FastMmapSession(cached, true, null);
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
        return data == null ? null : new FastMmapSession(toMapSession(id, data), false, data.principalName());
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
            sessions.put(e.getKey(), new FastMmapSession(toMapSession(e.getKey(), e.getValue()), false,
                    e.getValue().principalName()));
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

    private static MapSession toMapSession(String id, SessionData data) {
        MapSession session = new MapSession(id);
        session.setCreationTime(data.createdAt());
        session.setLastAccessedTime(data.lastAccessedAt());
        session.setMaxInactiveInterval(data.maxInactiveInterval());
        data.attributes().forEach(session::setAttribute);
        return session;
    }

    /** A session being used by one request: the loaded state plus what this request changed. */
    public final class FastMmapSession implements Session {
        private final MapSession cached;
        private final Map<String, Object> delta = new HashMap<>();
        private boolean isNew;
        private String originalId;
        private String storedPrincipal;
        private boolean maxInactiveChanged;

        FastMmapSession(MapSession cached, boolean isNew, String storedPrincipal) {
            this.cached = cached;
            this.isNew = isNew;
            this.originalId = cached.getId();
            this.storedPrincipal = storedPrincipal;
            if (isNew || saveMode == SaveMode.ALWAYS) {
                for (String name : cached.getAttributeNames()) {
                    delta.put(name, cached.getAttribute(name));
                }
            }
        }

        @Override
        public String getId() {
            return cached.getId();
        }

        @Override
        public String changeSessionId() {
            String newId = sessionIdGenerator.generate();
            cached.setId(newId);
            flushImmediateIfNecessary();
            return newId;
        }

        @Override
        public <T> T getAttribute(String name) {
            T value = cached.getAttribute(name);
            if (value != null && saveMode == SaveMode.ON_GET_ATTRIBUTE) {
                delta.put(name, value);
            }
            return value;
        }

        @Override
        public Set<String> getAttributeNames() {
            return cached.getAttributeNames();
        }

        @Override
        public void setAttribute(String name, Object value) {
            cached.setAttribute(name, value);
            delta.put(name, value);
            flushImmediateIfNecessary();
        }

        @Override
        public void removeAttribute(String name) {
            setAttribute(name, null);
        }

        @Override
        public Instant getCreationTime() {
            return cached.getCreationTime();
        }

        @Override
        public void setLastAccessedTime(Instant time) {
            cached.setLastAccessedTime(time);
            flushImmediateIfNecessary();
        }

        @Override
        public Instant getLastAccessedTime() {
            return cached.getLastAccessedTime();
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            cached.setMaxInactiveInterval(interval);
            maxInactiveChanged = true;
            flushImmediateIfNecessary();
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return cached.getMaxInactiveInterval();
        }

        @Override
        public boolean isExpired() {
            return cached.isExpired();
        }

        void flushImmediateIfNecessary() {
            if (flushMode == FlushMode.IMMEDIATE) {
                save();
            }
        }

        private void save() {
            SessionDelta.Builder b = SessionDelta.builder().lastAccessedAt(cached.getLastAccessedTime());
            delta.forEach(b::setAttribute);
            if (isNew) {
                b.createdAt(cached.getCreationTime());
            }
            if (isNew || maxInactiveChanged) {
                b.maxInactiveInterval(storable(cached.getMaxInactiveInterval()));
            }
            String principal = indexResolver.resolveIndexesFor(this).get(PRINCIPAL_NAME_INDEX_NAME);
            if (isNew || !Objects.equals(principal, storedPrincipal)) {
                b.principalName(principal);
            }
            SessionDelta changes = b.build();
            String id = cached.getId();
            boolean exists = id.equals(originalId) ? store.applyDelta(id, changes)
                    : store.changeSessionId(originalId, id, changes);
            if (exists && isNew) {
                publish(new SessionCreatedEvent(FastMmapSessionRepository.this, new MapSession(cached)));
            }
            isNew = false;
            originalId = id;
            storedPrincipal = principal;
            maxInactiveChanged = false;
            delta.clear();
            if (saveMode == SaveMode.ALWAYS) {
                for (String name : cached.getAttributeNames()) {
                    delta.put(name, cached.getAttribute(name));
                }
            }
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
