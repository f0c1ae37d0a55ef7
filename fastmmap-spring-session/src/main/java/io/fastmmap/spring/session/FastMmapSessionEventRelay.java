package io.fastmmap.spring.session;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes, in this instance, the session deleted and expired events of the other instances on the file
 * ({@link FastMmapSessionRepository#publishEventsOfOtherInstances()}), polling the file's event log at a fixed
 * delay in one daemon thread, from context start to stop. A poll with nothing new reads one entry, so the default
 * of one second costs nothing measurable; it is also the delay a listener here sees after a logout elsewhere (Redis
 * pushes within milliseconds; a session listener or a WebSocket registry closing a logged-out user's sockets is
 * served well by a second).
 */
public final class FastMmapSessionEventRelay extends DaemonSchedule {
    /** How often the event log is read by default. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(FastMmapSessionEventRelay.class.getName());

    private final FastMmapSessionRepository repository;
    private final Duration pollInterval;

    /**
     * @param repository publishes the events
     * @param pollInterval how often to read the file's event log, positive
     */
    public FastMmapSessionEventRelay(FastMmapSessionRepository repository, Duration pollInterval) {
        super("fastmmap-session-events");
        this.repository = Objects.requireNonNull(repository, "repository");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("session event poll interval " + pollInterval + "; it must be positive"
                    + ", e.g. " + DEFAULT_POLL_INTERVAL);
        }
        this.pollInterval = pollInterval;
    }

    @Override
    boolean enabled() {
        return true;
    }

    @Override
    void scheduleFirst(ScheduledExecutorService executor) {
        long millis = pollInterval.toMillis();
        executor.scheduleWithFixedDelay(this::pollOnce, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void pollOnce() {
        try {
            repository.publishEventsOfOtherInstances();
        } catch (RuntimeException e) { // thrown on, it would cancel the schedule for good
            LOG.log(System.Logger.Level.WARNING, "reading the session event log failed; retrying in "
                    + pollInterval.toMillis() + " ms: " + e, e);
        }
    }
}
