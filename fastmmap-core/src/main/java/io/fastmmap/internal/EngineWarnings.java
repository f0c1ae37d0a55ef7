package io.fastmmap.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    static final System.Logger LOG = System.getLogger("io.fastmmap");
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Per file and kind: when the last line was written, and events left out since. */
    private static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private EngineWarnings() {
    }

    static void warn(Path file, Kind kind, Supplier<String> message) {
        warn(file, kind, message, System.nanoTime());
    }

    static void warn(Path file, Kind kind, Supplier<String> message, long nowNanos) {
        if (!LOG.isLoggable(System.Logger.Level.WARNING)) {
            return;
        }
        long skipped = WINDOWS.computeIfAbsent(file + "\0" + kind, key -> new Window()).admit(nowNanos);
        if (skipped >= 0) {
            LOG.log(System.Logger.Level.WARNING, () -> file + ": " + message.get() + (skipped == 0 ? ""
                    : " (" + skipped + " more like this since the last such line, left out: at most one a minute)"));
        }
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
