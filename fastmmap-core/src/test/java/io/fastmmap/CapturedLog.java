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

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
