package io.fastmmap.spring.session;

import io.fastmmap.CodecException;
import io.fastmmap.perl.CatalystSessions;
import io.fastmmap.perl.PerlCache;
import io.fastmmap.perl.Storable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * Spring Session on a Catalyst app's own session file (Catalyst::Plugin::Session with Session::Store::FastMmap), so
 * a Spring app and a Catalyst app behind one proxy share a visitor: the session is Catalyst's {@code session:<sid>}
 * hash and each attribute is one of its keys, in Storable's form ({@link Storable}: maps, lists, strings, numbers,
 * booleans, byte arrays, null). Needs {@code fastmmap-perl} on the class path.
 *
 * <ul>
 *   <li>Ids are Catalyst's: 40 lowercase hex characters from a SecureRandom; an id Catalyst would refuse is never
 *       looked up. The cookie must carry the id as it is (no Base64), as Catalyst's State::Cookie does.</li>
 *   <li>A save changes only the attributes this request set or removed, atomically against every other process
 *       (Perl's {@code get_and_set}), so a Catalyst request at the same time keeps its own changes; it then extends
 *       {@code expires:<sid>} as Catalyst does.</li>
 *   <li>Keys starting with {@code __} are Catalyst's ({@code __created}, {@code __updated}, {@code __user}, ...):
 *       kept, but not shown as attributes.</li>
 *   <li>An attribute with no Perl form (a Java object that is not one of the types above) is refused by
 *       {@code setAttribute}, naming the attribute, so the request that sets it fails instead of losing it.</li>
 *   <li>Perl has one integer type: an {@code Integer} comes back as a {@code Long}; read numbers as
 *       {@link Number}.</li>
 * </ul>
 */
public class CatalystSessionRepository
        implements SessionRepository<CatalystSessionRepository.CatalystSession>, DisposableBean {
    /** Marks an attribute removed by this request. */
    private static final Object REMOVED = new Object();
    private static final String CATALYST_KEY_PREFIX = "__";

    private final PerlCache cache;
    private final CatalystSessions sessions;
    private final Duration expires;
    private final Clock clock;

    /**
     * @param cache the Catalyst app's session file (its {@code Plugin::Session} {@code storage}); closed with this
     *     repository
     * @param expires Catalyst's {@code expires}: how long a session lives after its last use
     * @param clock the wall clock of {@code __created}, {@code __updated} and {@code expires:}
     */
    public CatalystSessionRepository(PerlCache cache, Duration expires, Clock clock) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.expires = Objects.requireNonNull(expires, "expires");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sessions = new CatalystSessions(cache, expires, clock);
    }

    /** Closes the session file. */
    @Override
    public void destroy() {
        cache.close();
    }

    /** @return the Catalyst sessions this repository reads and writes */
    public CatalystSessions getCatalystSessions() {
        return sessions;
    }

    @Override
    public CatalystSession createSession() {
        long now = clock.millis() / 1000;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("__created", now);
        data.put("__updated", now);
        return new CatalystSession(CatalystSessions.newSessionId(), data, true);
    }

    @Override
    public void save(CatalystSession session) {
        if (!session.id.equals(session.storedId)) {
            Map<String, Object> old = session.storedId == null ? null : sessions.load(session.storedId);
            Map<String, Object> moved = old == null ? new LinkedHashMap<>() : old;
            sessions.update(session.id, fresh -> {
                fresh.putAll(moved);
                return session.applyChanges(fresh);
            });
            if (session.storedId != null) {
                sessions.delete(session.storedId);
            }
        } else if (session.changes.isEmpty() && !session.isNew) {
            sessions.extend(session.id);
        } else {
            sessions.update(session.id, session::applyChanges);
        }
        session.storedId = session.id;
        session.isNew = false;
        session.changes.clear();
    }

    @Override
    public CatalystSession findById(String id) {
        if (!CatalystSessions.isValidSessionId(id)) {
            return null;
        }
        Map<String, Object> data = sessions.load(id);
        return data == null ? null : new CatalystSession(id, new LinkedHashMap<>(data), false);
    }

    @Override
    public void deleteById(String id) {
        if (CatalystSessions.isValidSessionId(id)) {
            sessions.delete(id);
        }
    }

    /** One visitor's Catalyst session hash, with the changes of this request. */
    public final class CatalystSession implements Session {
        private String id;
        /** The id the hash is stored under; null before the first save of a new session. */
        private String storedId;
        private boolean isNew;
        private final Map<String, Object> data;
        private final Map<String, Object> changes = new LinkedHashMap<>();

        CatalystSession(String id, Map<String, Object> data, boolean isNew) {
            this.id = id;
            this.storedId = isNew ? null : id;
            this.data = data;
            this.isNew = isNew;
        }

        private Map<String, Object> applyChanges(Map<String, Object> stored) {
            changes.forEach((name, value) -> {
                if (value == REMOVED) {
                    stored.remove(name);
                } else {
                    stored.put(name, value);
                }
            });
            return stored;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String changeSessionId() {
            id = CatalystSessions.newSessionId();
            return id;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getAttribute(String attributeName) {
            return attributeName.startsWith(CATALYST_KEY_PREFIX) ? null : (T) data.get(attributeName);
        }

        @Override
        public Set<String> getAttributeNames() {
            Set<String> names = new LinkedHashSet<>();
            for (String key : data.keySet()) {
                if (!key.startsWith(CATALYST_KEY_PREFIX)) {
                    names.add(key);
                }
            }
            return Collections.unmodifiableSet(names);
        }

        /**
         * @throws CodecException when the value has no Perl form, naming the attribute; the attribute keeps its old
         *     value
         * @throws IllegalArgumentException for a name starting with {@code __}, which Catalyst keeps for itself
         */
        @Override
        public void setAttribute(String attributeName, Object attributeValue) {
            if (attributeValue == null) {
                removeAttribute(attributeName);
                return;
            }
            checkName(attributeName);
            try {
                Storable.freeze(attributeValue);
            } catch (CodecException e) {
                throw new CodecException("session attribute '" + attributeName + "' cannot be shared with the "
                        + "Catalyst app (fastmmap.session.format=catalyst): " + e.getMessage() + "; store it as "
                        + "maps, lists, strings and numbers, or keep it out of the session", e);
            }
            data.put(attributeName, attributeValue);
            changes.put(attributeName, attributeValue);
        }

        @Override
        public void removeAttribute(String attributeName) {
            checkName(attributeName);
            data.remove(attributeName);
            changes.put(attributeName, REMOVED);
        }

        private static void checkName(String attributeName) {
            if (attributeName.startsWith(CATALYST_KEY_PREFIX)) {
                throw new IllegalArgumentException("session attribute '" + attributeName + "': names starting with "
                        + "'__' are Catalyst's own session keys (__created, __updated, __user, ...); choose another");
            }
        }

        @Override
        public Instant getCreationTime() {
            return seconds("__created");
        }

        /** Catalyst keeps only {@code __updated}, which every save sets: nothing to store here. */
        @Override
        public void setLastAccessedTime(Instant lastAccessedTime) {
        }

        @Override
        public Instant getLastAccessedTime() {
            return seconds("__updated");
        }

        /**
         * Catalyst has one {@code expires} for every session; the same value is accepted (Spring's own default),
         * any other is refused rather than ignored.
         */
        @Override
        public void setMaxInactiveInterval(Duration interval) {
            if (!interval.equals(expires)) {
                throw new UnsupportedOperationException("session " + id + ": a max inactive interval of " + interval
                        + " cannot be shared with the Catalyst app, whose sessions all live " + expires + " after "
                        + "their last use (Catalyst's 'expires', Boot's server.servlet.session.timeout)");
            }
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return expires;
        }

        /** A loaded session is live: {@link #findById} returns no expired session. */
        @Override
        public boolean isExpired() {
            return false;
        }

        private Instant seconds(String key) {
            return data.get(key) instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : clock.instant();
        }

        @Override
        public String toString() {
            return "CatalystSession[" + id + "]";
        }
    }
}
