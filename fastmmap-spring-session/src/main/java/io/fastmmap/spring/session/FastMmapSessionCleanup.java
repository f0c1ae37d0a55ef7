package io.fastmmap.spring.session;

import java.time.ZonedDateTime;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.scheduling.support.CronExpression;

/**
 * Runs {@link FastMmapSessionRepository#cleanUpExpiredSessions()} on a cron schedule in one daemon thread, from
 * context start to stop. Every instance sharing the file may run it: each expired session is removed, and its
 * {@code SessionExpiredEvent} published, by exactly one of them.
 */
public final class FastMmapSessionCleanup extends DaemonSchedule {
    private static final System.Logger LOG = System.getLogger(FastMmapSessionCleanup.class.getName());

    private final FastMmapSessionRepository repository;
    private final CronExpression cron;

    /**
     * @param repository the repository to clean
     * @param cron a Spring cron expression (six fields), or "-" for no schedule
     */
    public FastMmapSessionCleanup(FastMmapSessionRepository repository, String cron) {
        super("fastmmap-session-cleanup");
        this.repository = repository;
        this.cron = "-".equals(cron) ? null : CronExpression.parse(cron);
    }

    @Override
    boolean enabled() {
        return cron != null;
    }

    @Override
    void scheduleFirst(ScheduledExecutorService executor) {
        scheduleNext(executor);
    }

    private void scheduleNext(ScheduledExecutorService executor) {
        if (executor == null) {
            return;
        }
        ZonedDateTime now = ZonedDateTime.now();
        ZonedDateTime next = cron.next(now);
        if (next == null) {
            return;
        }
        long delayMillis = Math.max(0, next.toInstant().toEpochMilli() - now.toInstant().toEpochMilli());
        executor.schedule(this::runOnce, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            repository.cleanUpExpiredSessions();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "expired-session cleanup failed; retrying at the next tick: " + e, e);
        }
        try {
            scheduleNext(executor());
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // stopped meanwhile
        }
    }
}
