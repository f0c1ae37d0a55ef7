package io.fastmmap.spring.session;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.support.CronExpression;

/**
 * Runs {@link FastMmapSessionRepository#cleanUpExpiredSessions()} on a cron schedule through Spring's scheduling
 * (the application's {@code TaskScheduler}, Boot's by default), as Spring Session JDBC schedules its own cleanup; the
 * configurations that declare this bean enable scheduling. Every instance sharing the file may run it: each expired
 * session is removed, and its {@code SessionExpiredEvent} published, by exactly one of them.
 */
public final class FastMmapSessionCleanup implements SchedulingConfigurer {
    private static final System.Logger LOG = System.getLogger(FastMmapSessionCleanup.class.getName());

    private final FastMmapSessionRepository repository;
    private final String cron;

    /**
     * @param repository the repository to clean
     * @param cron a Spring cron expression (six fields), or "-" for no schedule
     * @throws IllegalArgumentException naming the expression when it is not a cron expression
     */
    public FastMmapSessionCleanup(FastMmapSessionRepository repository, String cron) {
        this.repository = repository;
        if (!Scheduled.CRON_DISABLED.equals(cron)) {
            try {
                CronExpression.parse(cron);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("session cleanup cron \"" + cron + "\" is not a cron expression ("
                        + e.getMessage() + "); write six fields such as \"0 * * * * *\" (every minute), or \"-\" to"
                        + " turn the cleanup off", e);
            }
        }
        this.cron = cron;
    }

    /** @return the cron expression, or "-" when the cleanup is off */
    public String cron() {
        return cron;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (!Scheduled.CRON_DISABLED.equals(cron)) {
            registrar.addCronTask(this::runOnce, cron);
        }
    }

    /** A failed run is logged saying what happens next; the schedule goes on at the next tick. */
    private void runOnce() {
        try {
            repository.cleanUpExpiredSessions();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "expired-session cleanup failed; retrying at the next tick: " + e, e);
        }
    }
}
