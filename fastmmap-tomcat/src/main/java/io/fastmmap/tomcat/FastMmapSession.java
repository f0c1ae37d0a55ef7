package io.fastmmap.tomcat;

import io.fastmmap.session.SessionData;
import io.fastmmap.session.SessionDelta;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Manager;
import org.apache.catalina.session.StandardSession;

/**
 * Tomcat's session, remembering which attributes requests set or removed since it was last saved, so a save sends
 * only those ({@link SessionDelta}) and concurrent requests in any process merge.
 */
final class FastMmapSession extends StandardSession {
    private static final long serialVersionUID = 1L;
    /**
     * A timeout of zero or less: as with StandardManager, the session never expires. The store's longest interval,
     * which saturates every expiry sum; only LRU eviction of a full file can still remove the session.
     */
    static final Duration NEVER = Duration.ofMillis(Long.MAX_VALUE);

    /** Names set or removed since the last save; guarded by itself. */
    private final transient Set<String> changed = new LinkedHashSet<>();
    private transient boolean maxInactiveChanged;
    private transient boolean principalChanged;
    /** Requests of this JVM using this object now: at zero it leaves the manager's map and is re-read next time. */
    final transient AtomicInteger users = new AtomicInteger();

    FastMmapSession(Manager manager) {
        super(manager);
    }

    /** Fills a new object with a stored session, firing no listeners: it is not new, only new to this process. */
    void load(String sessionId, SessionData data) {
        this.id = sessionId;
        this.creationTime = data.createdAt().toEpochMilli();
        this.lastAccessedTime = data.lastAccessedAt().toEpochMilli();
        this.thisAccessedTime = lastAccessedTime;
        this.isNew = false;
        this.isValid = true;
        refresh(data); // nothing changed here yet: takes the timeout, the attributes and the login as stored
    }

    /**
     * Brings an object other requests of this JVM hold up to date with the file, which another process may have
     * changed since the object was read: what those requests changed and have not saved yet stays theirs.
     */
    void refresh(SessionData data) {
        synchronized (changed) {
            lastAccessedTime = Math.max(lastAccessedTime, data.lastAccessedAt().toEpochMilli());
            if (!maxInactiveChanged) {
                maxInactiveInterval = timeoutSeconds(data);
            }
            for (Map.Entry<String, Object> e : data.attributes().entrySet()) {
                if (!SharedPrincipal.ATTRIBUTE.equals(e.getKey()) && !changed.contains(e.getKey())) {
                    attributes.put(e.getKey(), e.getValue());
                }
            }
            attributes.keySet().removeIf(name -> !changed.contains(name) && !data.attributes().containsKey(name));
            if (!principalChanged) {
                SharedPrincipal login = SharedPrincipal.from(data.attributes().get(SharedPrincipal.ATTRIBUTE));
                principal = login == null ? null : login.principal();
                authType = login == null ? null : login.authType();
            }
        }
    }

    private static int timeoutSeconds(SessionData data) {
        return data.maxInactiveInterval().compareTo(NEVER) >= 0 ? -1
                : (int) Math.min(Integer.MAX_VALUE, data.maxInactiveInterval().toSeconds());
    }

    /** @return a copy of this session's notes, or null when it has none */
    Map<String, Object> copyNotes() {
        return notes.isEmpty() ? null : Map.copyOf(notes);
    }

    /** @param kept notes this JVM kept for the session since its last request here, or null */
    void restoreNotes(Map<String, Object> kept) {
        if (kept != null) {
            notes.putAll(kept);
        }
    }

    /** @return true while not invalidated or expired (without checking the time, which could expire it) */
    boolean isLive() {
        return isValidInternal();
    }

    @Override
    public void setAttribute(String name, Object value, boolean notify) {
        // Noted before (a refresh meanwhile keeps the new value) and after (a save meanwhile saves it again).
        if (value != null) {
            noteChanged(name);
        }
        super.setAttribute(name, value, notify);
        if (value != null) {
            noteChanged(name);
        }
    }

    @Override
    public void removeAttribute(String name, boolean notify) {
        noteChanged(name);
        super.removeAttribute(name, notify);
        noteChanged(name);
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        super.setMaxInactiveInterval(interval);
        synchronized (changed) {
            maxInactiveChanged = true;
        }
    }

    /** An authenticator logged a user in or out (cache="true"): every process's next request shall know. */
    @Override
    public void setPrincipal(Principal principal) {
        super.setPrincipal(principal);
        synchronized (changed) {
            principalChanged = true;
        }
    }

    @Override
    public void setAuthType(String authType) {
        super.setAuthType(authType);
        synchronized (changed) {
            principalChanged = true;
        }
    }

    private void noteChanged(String name) {
        synchronized (changed) {
            changed.add(name);
        }
    }

    /** @return this session's changes since the last save, forgetting them: the caller saves them now */
    SessionDelta takeDelta() {
        SessionDelta.Builder delta = SessionDelta.builder().lastAccessedAt(Instant.ofEpochMilli(thisAccessedTime));
        synchronized (changed) {
            for (String name : changed) {
                delta.setAttribute(name, attributes.get(name));
            }
            changed.clear();
            if (principalChanged) {
                Principal user = getPrincipal();
                delta.principalName(user == null ? null : user.getName());
                delta.setAttribute(SharedPrincipal.ATTRIBUTE, SharedPrincipal.value(user, getAuthType()));
                principalChanged = false;
            }
            if (maxInactiveChanged) {
                delta.maxInactiveInterval(interval(maxInactiveInterval));
                maxInactiveChanged = false;
            }
        }
        return delta.build();
    }

    /** @return Tomcat's timeout in seconds as the store's interval (the Servlet spec: zero or less never expires) */
    static Duration interval(int seconds) {
        return seconds <= 0 ? NEVER : Duration.ofSeconds(seconds);
    }
}
