package io.fastmmap.session;

import io.fastmmap.ManualClock;
import java.nio.file.Path;
import java.util.UUID;

/** Test helpers: stores on a temporary file with a hand-moved clock, and fresh session ids. */
final class Stores {
    private Stores() {
    }

    static SessionStoreConfig.Builder config(Path dir, ManualClock clock) {
        return SessionStoreConfig.builder("test").file(dir.resolve("sessions.fmm"))
                .cache(c -> c.cacheSize(1L << 20).pageSize(16 << 10)).clock(clock);
    }

    /** @return a store on the directory's test file: call it twice for two processes' views of one file */
    static SessionStore open(Path dir, ManualClock clock) {
        return SessionStore.open(config(dir, clock).build());
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
