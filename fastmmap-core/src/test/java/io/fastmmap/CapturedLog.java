package io.fastmmap;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The WARNING lines the engine writes on the {@code io.fastmmap} System.Logger, captured for a test through
 * java.util.logging, which backs System.Logger by default.
 */
public final class CapturedLog implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.fastmmap"); // held: JUL keeps loggers weakly
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public CapturedLog() {
        logger.addHandler(handler);
    }

    /** @return the WARNING lines so far that contain {@code text} */
    public List<String> warningsWith(String text) {
        return warnings.stream().filter(line -> line.contains(text)).toList();
    }

    /**
     * The engine writes its lines from a thread of its own: waits up to 10 s for {@code count} lines with
     * {@code text}, then 200 ms more for lines that should not come.
     *
     * @return the WARNING lines that contain {@code text}
     */
    public List<String> awaitWarningsWith(String text, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (warningsWith(text).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        return warningsWith(text);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
