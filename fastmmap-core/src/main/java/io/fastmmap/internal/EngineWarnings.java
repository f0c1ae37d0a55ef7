package io.fastmmap.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * WARNING lines on the {@code io.fastmmap} System.Logger for what the engine did on its own: a lock taken over from
 * a dead process, a page repaired, a file truncated or replaced under this process. Each names the file, the page
 * and what to do.
 *
 * <p>Rate-limited per file and kind of event: at most one line a minute, so a crash loop or a truncated file that
 * every call trips over does not flood the log; the next line says how many were left out. The counters in the file
 * ({@code lockRecoveryCount}, {@code pageRepairCount}) count every event.
 */
final class EngineWarnings {
    enum Kind { LOCK_TAKEOVER, PAGE_REPAIR, TRUNCATED, REPLACED }

    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /**
     * Lines are written by this thread, never by the caller: the events happen with a page lock held, and the first
     * line of a process initialises the logging framework (hundreds of milliseconds on a busy host, which stalled
     * every other process waiting for that page: KillRecoveryTest and DeadLockHolderTest saw it).
     */
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "fastmmap-log");
        thread.setDaemon(true);
        return thread;
    });

    /** Per file and kind: when the last line was written, and events left out since. */
    private static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private EngineWarnings() {
    }

    static void warn(Path file, Kind kind, Supplier<String> message) {
        warn(file, kind, message, System.nanoTime());
    }

    static void warn(Path file, Kind kind, Supplier<String> message, long nowNanos) {
        long skipped = WINDOWS.computeIfAbsent(file + "\0" + kind, key -> new Window()).admit(nowNanos);
        if (skipped < 0) {
            return;
        }
        String line = file + ": " + message.get() + (skipped == 0 ? ""
                : " (" + skipped + " more like this since the last such line, left out: at most one a minute)");
        WRITER.execute(() -> Log.LOGGER.log(System.Logger.Level.WARNING, line));
    }

    /** Created by the writer thread on its first line, as creating it may be slow too. */
    private static final class Log {
        static final System.Logger LOGGER = System.getLogger("io.fastmmap");
    }

    private static final class Window {
        private boolean written;
        private long lastNanos;
        private long skipped;

        /** @return -1 to leave this one out, else how many were left out before it */
        synchronized long admit(long nowNanos) {
            if (written && nowNanos - lastNanos < INTERVAL_NANOS) {
                skipped++;
                return -1;
            }
            written = true;
            lastNanos = nowNanos;
            long before = skipped;
            skipped = 0;
            return before;
        }
    }
}
