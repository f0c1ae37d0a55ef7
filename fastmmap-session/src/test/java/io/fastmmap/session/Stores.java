package io.fastmmap.session;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.util.UUID;

/** Test helpers: stores on a temporary file with a hand-moved clock, and fresh session ids. */
final class Stores {
    private Stores() {
    }

    static SessionStoreConfig.Builder config(Path dir, ManualClock clock) {
        return SessionStoreConfig.builder("test").file(dir.resolve("sessions.fmm")).cacheSize(1L << 20)
                .pageSize(16 << 10).clock(clock);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
