package io.fastmmap.spring.session;

import java.time.Duration;
import java.util.Objects;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Publishes, in this instance, the session deleted and expired events of the other instances on the file
 * ({@link FastMmapSessionRepository#publishEventsOfOtherInstances()}), polling the file's event log at a fixed
 * delay through Spring's scheduling (the application's {@code TaskScheduler}, Boot's by default), like
 * {@link FastMmapSessionCleanup}; the configurations that declare this bean enable scheduling. A poll with nothing
 * new reads one entry, so the default of one second costs nothing measurable; it is also the delay a listener here
 * sees after a logout elsewhere (Redis pushes within milliseconds; a session listener or a WebSocket registry
 * closing a logged-out user's sockets is served well by a second).
 */
public final class FastMmapSessionEventRelay implements SchedulingConfigurer {
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
        this.repository = Objects.requireNonNull(repository, "repository");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("session event poll interval " + pollInterval + "; it must be positive"
                    + ", e.g. " + DEFAULT_POLL_INTERVAL);
        }
        this.pollInterval = pollInterval;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::pollOnce, pollInterval, pollInterval));
    }

    private void pollOnce() {
        try {
            repository.publishEventsOfOtherInstances();
        } catch (RuntimeException e) { // logged here, so the log says when the next try comes
            LOG.log(System.Logger.Level.WARNING, "reading the session event log failed; retrying in "
                    + pollInterval.toMillis() + " ms: " + e, e);
        }
    }
}
