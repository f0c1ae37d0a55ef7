package io.fastmmap.tomcat;

import io.fastmmap.session.DefaultAttributeSerializer;
import io.fastmmap.session.SessionData;
import io.fastmmap.session.SessionDelta;
import io.fastmmap.session.SessionIds;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Container;
import org.apache.catalina.Engine;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Session;
import org.apache.catalina.session.ManagerBase;
import org.apache.catalina.session.StandardSession;
import org.apache.juli.logging.Log;
import org.apache.juli.logging.LogFactory;

/**
 * A Tomcat session manager keeping every session in one fastmmap file that all Tomcat processes on the host may
 * share: a session created or changed by one process is seen by the next request in any other, with no sticky load
 * balancing. The whole set-up is one element in {@code context.xml}:
 *
 * <pre>{@code <Manager className="io.fastmmap.tomcat.FastMmapSessionManager" file="/var/lib/shop/sessions.fmm"/>}</pre>
 *
 * or, embedded, {@code manager.setFile(...)} and {@code context.setManager(manager)}. The manager installs the valve
 * it needs ({@link FastMmapSessionValve}) itself.
 *
 * <p>Built on fastmmap-session's {@link SessionStore}: one entry per session; each request's changed attributes are
 * merged into the stored session at the end of the request, so concurrent requests in any processes that change
 * different attributes all survive; a session invalidated meanwhile is not brought back; ids are checked before
 * they touch the file (a forged or foreign cookie gets a fresh session); attribute values are JSON, or Java
 * serialization for allowed classes only; a session too large for a page is refused and keeps its contents.
 *
 * <p>As with Tomcat's {@code StandardManager}: {@code HttpSessionListener}s, attribute listeners and
 * {@code HttpSessionBindingListener}s fire in the process where the event happens; expired sessions are removed by
 * the background thread of any one process (every minute by default), which fires their destruction events;
 * {@code changeSessionId} moves a session to its new id in every process at once.
 */
public class FastMmapSessionManager extends ManagerBase {
    private static final Log log = LogFactory.getLog(FastMmapSessionManager.class);

    private String file;
    private long cacheSize = SessionStoreConfig.DEFAULT_CACHE_SIZE;
    private int pageSize = SessionStoreConfig.DEFAULT_PAGE_SIZE;
    private String javaAllowedClasses;
    private volatile SessionStore store;
    private FastMmapSessionValve valve;
    private final ThreadLocal<RequestSessions> current = new ThreadLocal<>();
    /** Set while Tomcat moves a session to a new id: its remove-then-add must not delete the stored session. */
    private final ThreadLocal<Boolean> renaming = new ThreadLocal<>();
    private Clock clock = Clock.systemUTC();
    /**
     * Notes (Tomcat's per-process session state, never stored: FORM login's saved request, and its password when
     * cache="false") of sessions no request of this JVM is using now, by id; kept for the session's next request in
     * this JVM, as Tomcat's own cluster managers keep notes per process. Dropped with the session.
     */
    private final Map<String, Map<String, Object>> notes = new ConcurrentHashMap<>();

    /**
     * @param file the session file; relative paths resolve against {@code catalina.base}. Default:
     *     {@code ~/.cache/fastmmap/tomcat-<context>.sessions}
     */
    public void setFile(String file) {
        this.file = file;
    }

    /** @return the session file as configured, or null for the default */
    public String getFile() {
        return file;
    }

    /** @param bytes total page space of the file (default 16 MiB), the same in every process sharing it */
    public void setCacheSize(long bytes) {
        this.cacheSize = bytes;
    }

    /** @return total page space of the file in bytes */
    public long getCacheSize() {
        return cacheSize;
    }

    /** @param bytes the page size (default 64 KiB), which bounds one session; the same in every process */
    public void setPageSize(int bytes) {
        this.pageSize = bytes;
    }

    /** @return the page size in bytes */
    public int getPageSize() {
        return pageSize;
    }

    /**
     * @param patterns comma-separated {@code ObjectInputFilter} class patterns ({@code com.example.Cart},
     *     {@code com.example.*}, {@code com.example.**}) switching on Java serialization for values that are not plain
     *     JSON values; blank or unset: JSON only
     */
    public void setJavaAllowedClasses(String patterns) {
        this.javaAllowedClasses = patterns;
    }

    /** @return the allowed class patterns, or null */
    public String getJavaAllowedClasses() {
        return javaAllowedClasses;
    }

    /** For tests: the clock that decides when stored sessions have expired. */
    void setClock(Clock clock) {
        this.clock = clock;
    }

    /** @return the store, while started (for statistics and tests) */
    public SessionStore getStore() {
        return store;
    }

    @Override
    protected void startInternal() throws LifecycleException {
        super.startInternal();
        refuseJvmRoute();
        SessionStoreConfig config;
        try {
            config = config();
        } catch (RuntimeException e) {
            throw new LifecycleException("FastMmapSessionManager of context " + contextName() + ": " + e.getMessage(),
                    e);
        }
        store = SessionStore.open(config);
        valve = new FastMmapSessionValve(this);
        valvePipeline().addValve(valve);
        log.info("sessions of context " + contextName() + " are in " + config.file());
        setState(LifecycleState.STARTING);
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        setState(LifecycleState.STOPPING);
        if (valve != null) {
            valvePipeline().removeValve(valve);
            valve = null;
        }
        sessions.clear();
        notes.clear();
        SessionStore open = store;
        store = null;
        if (open != null) {
            open.close();
        }
        super.stopInternal();
    }

    /**
     * The host's pipeline, where the valve wraps everything the context does with a request, its authenticator
     * included: a FORM login's {@code j_security_check} is answered by the authenticator and never reaches valves
     * after it in the context's own pipeline (and valves cannot be put first there once it has started).
     */
    private Pipeline valvePipeline() {
        Container host = getContext().getParent();
        return host != null ? host.getPipeline() : getContext().getPipeline();
    }

    private SessionStoreConfig config() {
        String appName = "tomcat-" + (contextName().isEmpty() ? "ROOT"
                : contextName().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^_+", ""));
        long cacheSizeBytes = cacheSize;
        int pageSizeBytes = pageSize;
        SessionStoreConfig.Builder b = SessionStoreConfig.builder(appName)
                .cache(cache -> cache.cacheSize(cacheSizeBytes).pageSize(pageSizeBytes))
                .defaultMaxInactiveInterval(FastMmapSession.interval(getContext().getSessionTimeout() * 60)) // as ManagerBase
                .clock(clock);
        // Tomcat's timeouts as they are, "never" included (the store's default limit is 24 hours). Expired sessions
        // need no time to live in the file: processExpires removes them every minute in every process.
        b.maxInactiveIntervalLimit(FastMmapSession.NEVER);
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.trim());
            String base = System.getProperty("catalina.base");
            b.file(path.isAbsolute() || base == null ? path : Path.of(base).resolve(path));
        }
        String[] patterns = javaAllowedClasses == null ? new String[0] : Arrays.stream(javaAllowedClasses.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
        if (patterns.length > 0) {
            b.serializer(DefaultAttributeSerializer.withJavaSerialization(patterns));
        }
        return b.build();
    }

    /** Ids with a jvmRoute suffix ({@code .node1}) are not valid store ids, and sticky routing is not needed. */
    private void refuseJvmRoute() throws LifecycleException {
        Engine engine = getEngine();
        if (engine != null && engine.getJvmRoute() != null) {
            throw new LifecycleException("FastMmapSessionManager of context " + contextName() + " cannot work with"
                    + " jvmRoute=\"" + engine.getJvmRoute() + "\" on the Engine: it appends ." + engine.getJvmRoute()
                    + " to session ids, which the session file refuses. Remove jvmRoute: every process reads every"
                    + " session from the file, so no sticky routing is needed.");
        }
    }

    private String contextName() {
        return getContext() == null ? "?" : getContext().getName();
    }

    @Override
    protected StandardSession getNewSession() {
        return new FastMmapSession(this);
    }

    @Override
    public Session createSession(String sessionId) {
        Session session = super.createSession(sessionId);
        FastMmapSession ours = (FastMmapSession) session;
        SessionDelta delta = SessionDelta.builder().createdAt(Instant.ofEpochMilli(session.getCreationTimeInternal()))
                .maxInactiveInterval(FastMmapSession.interval(session.getMaxInactiveInterval()))
                .build();
        store.applyDelta(session.getIdInternal(), delta);
        use(ours);
        return session;
    }

    /**
     * @return the session from the file (shared with other requests of this JVM that use it right now, and brought up
     *     to date with the file), or null when there is none under {@code id}, {@code id} is not a valid id, or the
     *     stored session cannot be read
     */
    @Override
    public Session findSession(String id) {
        if (id == null || !SessionIds.isValid(id) || store == null) {
            return null;
        }
        SessionData data;
        try {
            data = store.getSessionData(id);
        } catch (RuntimeException e) {
            log.warn("session " + id + " of context " + contextName() + " in " + store.config().file()
                    + " cannot be read; the request gets a new session: " + e.getMessage());
            return null;
        }
        if (data == null) {
            return null;
        }
        // Read even when requests of this JVM hold the session: one of them may have answered and still be running
        // while the browser's next request went to another process, which changed the session.
        Session inUse = sessions.get(id);
        if (inUse instanceof FastMmapSession ours && ours.isLive()) {
            ours.refresh(data);
            use(ours);
            return ours;
        }
        FastMmapSession loaded = (FastMmapSession) createEmptySession();
        loaded.load(id, data);
        loaded.restoreNotes(notes.get(id));
        Session raced = sessions.putIfAbsent(id, loaded);
        FastMmapSession result = raced instanceof FastMmapSession other ? other : loaded;
        use(result);
        return result;
    }

    @Override
    public void remove(Session session, boolean update) {
        super.remove(session, update);
        notes.remove(session.getIdInternal());
        if (renaming.get() == null && store != null && SessionIds.isValid(session.getIdInternal())) {
            store.deleteSessionData(session.getIdInternal());
        }
    }

    @Override
    protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
            boolean notifyContainerListeners) {
        String oldId = session.getIdInternal();
        notes.remove(oldId); // the session object has them; kept under the new id when its request ends
        renaming.set(Boolean.TRUE);
        try {
            super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
        } finally {
            renaming.remove();
        }
        SessionDelta pending = session instanceof FastMmapSession ours ? ours.takeDelta()
                : SessionDelta.builder().build();
        store.changeSessionId(oldId, newId, pending);
    }

    /** Removes expired sessions from the file (in whichever process gets there first) and fires their events. */
    @Override
    public void processExpires() {
        if (store == null) {
            return;
        }
        for (SessionStore.ExpiredSession expired : store.deleteExpiredSessions()) {
            FastMmapSession session = (FastMmapSession) createEmptySession();
            session.load(expired.id(), expired.data());
            session.expire(true); // listeners, unbinding, statistics; remove() finds it already gone
        }
        // Notes of sessions gone from the file otherwise (deleted by another process, evicted from a full file).
        notes.keySet().removeIf(id -> !sessions.containsKey(id) && store.getSessionData(id) == null);
    }

    /** The file keeps sessions across restarts: nothing to load. */
    @Override
    public void load() {
    }

    /** The file keeps sessions across restarts: nothing to write out. */
    @Override
    public void unload() {
    }

    // ---- requests (FastMmapSessionValve) ----

    /**
     * The sessions a request used. Collected per thread from the first findSession or createSession on, which
     * Tomcat may call before the request reaches the context's pipeline (while parsing session cookies), until
     * {@link #endRequest} at the end of the valve.
     */
    static final class RequestSessions {
        final List<FastMmapSession> used = new ArrayList<>(1);
    }

    /**
     * Saves what this thread's request changed so far, keeping the sessions in use: called just before its response
     * is committed ({@link SaveOnCommitResponse}), so that the browser's next request, wherever it goes, finds the
     * change. What the request changes afterwards is saved by {@link #endRequest}. On another thread (an
     * asynchronous request's) there is nothing of this request's here: it is saved when it completes.
     */
    void saveBeforeCommit() {
        RequestSessions mine = current.get();
        if (mine == null) {
            return;
        }
        for (FastMmapSession session : mine.used) {
            saveIfLive(session, " before its response was sent");
        }
    }

    /** Saves what this thread's request changed in the sessions it used, and lets go of them. */
    void endRequest() {
        RequestSessions mine = current.get();
        current.remove();
        finish(mine);
    }

    /**
     * The request went asynchronous: its sessions are saved when it completes, with what other threads changed in
     * them meanwhile (changes are recorded on the session objects, not per thread).
     */
    void endRequestWhenComplete(AsyncContext async) {
        RequestSessions mine = current.get();
        current.remove();
        if (mine == null) {
            return;
        }
        async.addListener(new AsyncListener() {
            private final AtomicBoolean done = new AtomicBoolean();

            @Override
            public void onComplete(AsyncEvent event) {
                if (done.compareAndSet(false, true)) {
                    finish(mine);
                }
            }

            @Override
            public void onError(AsyncEvent event) {
                onComplete(event);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                // onComplete follows
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                event.getAsyncContext().addListener(this); // dispatched and started again: still ours to finish
            }
        });
    }

    private void finish(RequestSessions mine) {
        if (mine == null) {
            return;
        }
        for (FastMmapSession session : mine.used) {
            try {
                saveIfLive(session, "");
            } finally {
                if (session.users.decrementAndGet() <= 0) {
                    keepNotes(session);
                    sessions.remove(session.getIdInternal(), session);
                }
            }
        }
    }

    /** A failed save is logged, never thrown: the request's response is already decided. */
    private void saveIfLive(FastMmapSession session, String when) {
        try {
            if (session.isLive()) {
                save(session);
            }
        } catch (RuntimeException e) {
            log.error("session " + session.getIdInternal() + " of context " + contextName() + " was not saved" + when
                    + ": " + e.getMessage(), e);
        }
    }

    private void keepNotes(FastMmapSession session) {
        Map<String, Object> kept = session.isLive() ? session.copyNotes() : null;
        if (kept == null) {
            notes.remove(session.getIdInternal());
        } else {
            notes.put(session.getIdInternal(), kept);
        }
    }

    private void save(FastMmapSession session) {
        if (!store.applyDelta(session.getIdInternal(), session.takeDelta())) {
            // Invalidated or expired in another process meanwhile: not brought back; this copy is gone too.
            sessions.remove(session.getIdInternal(), session);
        }
    }

    private void use(FastMmapSession session) {
        RequestSessions request = current.get();
        if (request == null) {
            request = new RequestSessions();
            current.set(request);
        }
        if (!request.used.contains(session)) {
            request.used.add(session);
            session.users.incrementAndGet();
        }
    }

    @Override
    public String toString() {
        return "FastMmapSessionManager[" + contextName() + ", " + (store == null ? file : store.config().file()) + "]";
    }
}
