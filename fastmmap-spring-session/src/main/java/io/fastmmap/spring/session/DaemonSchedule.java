package io.fastmmap.spring.session;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.context.SmartLifecycle;

/** A task schedule in one daemon thread of its own, from context start to stop (the event relay). */
abstract class DaemonSchedule implements SmartLifecycle {
    private final String threadName;
    private ScheduledExecutorService executor;

    DaemonSchedule(String threadName) {
        this.threadName = threadName;
    }

    /** @return false to stay stopped (a schedule switched off) */
    abstract boolean enabled();

    /** Schedules the first run; called with the new executor, under this object's lock. */
    abstract void scheduleFirst(ScheduledExecutorService executor);

    /** @return the running executor, or null once stopped */
    final synchronized ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public final synchronized void start() {
        if (!enabled() || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        scheduleFirst(executor);
    }

    @Override
    public final synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public final synchronized boolean isRunning() {
        return executor != null;
    }
}
