package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Session id checks, too-large sessions, eviction warnings, configuration and file placement. */
class SafetyTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());

    @ParameterizedTest
    @ValueSource(strings = {"", "short", "../../../../etc/passwd-aaaaaaaa", "s:aaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaa\naaaa", "møøse-møøse-møøse-møøse", "aaaaaaaaaaaaaaaa aaaa", "aaaaaaaaaaaaaaaa\u0101aaaa",
        "aaaaaaaaaaaaaaaa?aaaa"})
    void malformedIdsAreRefusedBeforeTheStoreIsTouched(String id) {
        SessionStore store = SessionStore.open(Stores.config(dir, clock).build());
        store.close(); // any access to the file would now fail with CacheClosedException instead
        assertThatThrownBy(() -> store.getSessionData(id)).isInstanceOf(InvalidSessionIdException.class)
                .hasMessageContaining("[A-Za-z0-9_-]");
        assertThatThrownBy(() -> store.applyDelta(id, SessionDelta.builder().build()))
                .isInstanceOf(InvalidSessionIdException.class);
        assertThatThrownBy(() -> store.deleteSessionData(id)).isInstanceOf(InvalidSessionIdException.class);
    }

    @Test
    void tooLongIdsAreRefusedAndTypicalIdsAccepted() {
        assertThat(SessionIds.isValid("a".repeat(129))).isFalse();
        assertThat(SessionIds.isValid("a".repeat(128))).isTrue();
        assertThat(SessionIds.isValid("0b3f4c2e-9f1d-4c55-8e0a-6a1b2c3d4e5f")).isTrue(); // Spring UUID
        assertThat(SessionIds.isValid("node01abcdefghijklmnop_q0")).isTrue(); // Jetty
    }

    @Test
    void aTooLargeSessionNamesTheSizesAndTheOptionAndKeepsTheOldContents() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).setAttribute("a", "small").build());
            String big = "x".repeat(20_000);
            assertThatThrownBy(() -> store.applyDelta(id, SessionDelta.builder().setAttribute("b", big).build()))
                    .isInstanceOf(SessionTooLargeException.class)
                    .hasMessageContaining("session " + id)
                    .hasMessageContaining("page-size")
                    .hasMessageContaining(String.valueOf(store.maxSessionByteCount(id)))
                    .satisfies(e -> assertThat(((SessionTooLargeException) e).sessionByteCount())
                            .isGreaterThan(20_000));
            assertThat(store.getSessionData(id).attributes()).containsOnlyKeys("a");
        }
    }

    /** @return a handler that adds the store's log records {@code which} accepts to {@code into} */
    private static Handler collecting(List<LogRecord> into, java.util.function.Predicate<LogRecord> which) {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (which.test(record)) {
                    into.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void evictedLiveSessionsAreCountedAndWarnedAboutAtMostOncePerInterval() {
        List<LogRecord> warnings = new ArrayList<>();
        Logger jul = Logger.getLogger(SessionStore.class.getName());
        Handler handler = collecting(warnings, record -> record.getMessage().contains("evicted"));
        jul.addHandler(handler);
        try (SessionStore store = SessionStore.open(SessionStoreConfig.builder("tiny").file(dir.resolve("t.fmm"))
                .cache(c -> c.cacheSize(64 << 10).pageSize(8 << 10)).clock(clock).build())) {
            String payload = "y".repeat(1000);
            for (int i = 0; i < 300; i++) {
                store.applyDelta(Stores.newId(), SessionDelta.builder().createdAt(clock.instant())
                        .setAttribute("p", payload).build());
                if (i % 50 == 0) {
                    clock.advance(Duration.ofSeconds(2)); // lets the once-a-second check run
                }
            }
            long evicted = store.liveSessionEvictionCount();
            assertThat(evicted).isGreaterThan(200); // 64 KiB hold about 60 such sessions
            assertThat(warnings).hasSize(1); // the rest fall inside the 5-minute warning interval
            assertThat(warnings.get(0).getMessage()).contains("cache-size").contains(String.valueOf(64 << 10))
                    .contains("anonymous").contains("SessionCreationPolicy");
            clock.advance(Duration.ofMinutes(6));
            store.applyDelta(Stores.newId(), SessionDelta.builder().createdAt(clock.instant())
                    .setAttribute("p", payload).build());
            assertThat(warnings).hasSize(2);
        } finally {
            jul.removeHandler(handler);
        }
    }

    /** An application class this process's allow-list does not name. */
    record Basket(String item) implements java.io.Serializable {
    }

    @Test
    void aSessionThatCannotBeReadHereIsAbsentWithAWarningNotAnErrorOnEveryRequest() {
        List<LogRecord> warnings = new ArrayList<>();
        Logger jul = Logger.getLogger(SessionStore.class.getName());
        Handler handler = collecting(warnings, record -> record.getLevel() == java.util.logging.Level.WARNING);
        String id = Stores.newId();
        jul.addHandler(handler);
        try (SessionStore writer = SessionStore.open(Stores.config(dir, clock)
                .serializer(DefaultAttributeSerializer.withJavaSerialization("io.fastmmap.session.*")).build());
                SessionStore reader = SessionStore.open(Stores.config(dir, clock).build())) {
            writer.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).principalName("ann")
                    .setAttribute("basket", new Basket("tea")).build());
            assertThat(writer.getSessionData(id).attributes()).containsEntry("basket", new Basket("tea"));
            for (int request = 0; request < 3; request++) {
                assertThat(reader.getSessionData(id)).isNull();
            }
            assertThat(reader.findByPrincipalName("ann")).isEmpty();
            assertThat(warnings).hasSize(1); // once a minute, not once a request
            assertThat(warnings.get(0).getMessage()).contains(id).contains("as absent").contains(Basket.class.getName())
                    .contains("java-allowed-classes");
            assertThat(writer.getSessionData(id)).as("left for the processes that can read it").isNotNull();
        } finally {
            jul.removeHandler(handler);
        }
    }

    @Test
    void defaultFileIsNamedAfterTheAppInAPrivateDirectory() throws Exception {
        String oldHome = System.getProperty("user.home");
        System.setProperty("user.home", dir.toString());
        try {
            SessionStoreConfig config = SessionStoreConfig.builder("MyShop").build();
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path expectedDir = xdg != null && !xdg.isBlank() ? Path.of(xdg, "fastmmap")
                    : dir.resolve(".cache/fastmmap");
            assertThat(config.file()).isEqualTo(expectedDir.resolve("MyShop.sessions"));
            if (xdg == null || xdg.isBlank()) {
                try (SessionStore store = SessionStore.open(config)) {
                    assertThat(Files.exists(store.config().file())).isTrue();
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(expectedDir)))
                            .isEqualTo("rwx------");
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".cache"))))
                            .isEqualTo("rwx------");
                }
            }
        } finally {
            System.setProperty("user.home", oldHome);
        }
    }

    @Test
    void settingsByNameIncludingThePerlOnes() {
        String id = Stores.newId();
        try (SessionStore earlier = SessionStore.open(SessionStoreConfig.builder("shop").file(dir.resolve("s.fmm"))
                .build())) {
            earlier.applyDelta(id, SessionDelta.builder().createdAt(Instant.now()).build());
        }
        SessionStoreConfig config = SessionStoreConfig.fromProperties(Map.of("app-name", "shop",
                "storage", dir.resolve("s.fmm").toString(), "cache_size", "2m", "page-size", "32k",
                "init_file", "1", "unlink_on_exit", "true", "max-inactive-interval", "PT15M",
                "java-allowed-classes", "com.example.*, java.util.*"));
        assertThat(config.file()).isEqualTo(dir.resolve("s.fmm"));
        assertThat(config.defaultMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(((DefaultAttributeSerializer) config.serializer()).javaSerializationEnabled()).isTrue();
        SessionStore store = SessionStore.open(config);
        assertThat(store.fileInfo().cacheSizeBytes()).isEqualTo(2L << 20);
        assertThat(store.fileInfo().pageSizeBytes()).isEqualTo(32 << 10);
        assertThat(store.getSessionData(id)).as("init_file wiped the file rather than carrying sessions over")
                .isNull();
        store.close();
        assertThat(config.file()).as("unlink_on_exit").doesNotExist();

        assertThatThrownBy(() -> SessionStoreConfig.fromProperties(Map.of("app-name", "x", "cache-sise", "1m")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache-sise")
                .hasMessageContaining("cache-size");
        assertThatThrownBy(() -> SessionStoreConfig.fromProperties(Map.of("app-name", "x", "cache-size", "lots")))
                .hasMessageContaining("64m");
        assertThatThrownBy(() -> SessionStoreConfig.builder("../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badSizesAreRefusedByCoresRuleNamingTheSettingAndTheFix() {
        assertThatThrownBy(() -> SessionStoreConfig.builder("x").cache(c -> c.pageSize(6000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize=6000")
                .hasMessageContaining("multiple of 4096");
        // above core's largest page: refused here, not only when the store opens the file
        assertThatThrownBy(() -> SessionStoreConfig.builder("x").cache(c -> c.pageSize(512 << 20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 MiB");
        assertThatThrownBy(() -> SessionStoreConfig.builder("x").cache(c -> c.cacheSize(1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheSize=1000")
                .hasMessageContaining("at least 4096");
        // by name, the message names the setting as written
        assertThatThrownBy(() -> SessionStoreConfig.fromProperties(Map.of("app-name", "x", "page_size", "6000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page_size=\"6000\"")
                .hasMessageContaining("multiple of 4096");
        assertThatThrownBy(() -> SessionStoreConfig.fromProperties(Map.of("app-name", "x", "page-size", "8g")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page-size=\"8g\"")
                .hasMessageContaining("256 MiB");
    }

    @Test
    void deleteOnCloseRemovesTheFile() {
        SessionStoreConfig config = Stores.config(dir, clock).cache(c -> c.deleteOnClose(true)).build();
        SessionStore store = SessionStore.open(config);
        assertThat(Files.exists(config.file())).isTrue();
        store.close();
        assertThat(Files.exists(config.file())).isFalse();
    }

    @Test
    void recreateWipesTheFile() {
        String id = Stores.newId();
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            store.applyDelta(id, SessionDelta.builder().createdAt(clock.instant()).build());
        }
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).build())) {
            assertThat(store.getSessionData(id)).isNotNull(); // kept across restarts by default
        }
        try (SessionStore store = SessionStore.open(Stores.config(dir, clock).cache(c -> c.recreate(true)).build())) {
            assertThat(store.getSessionData(id)).isNull();
        }
    }

    @Test
    void cacheOptionsTheStoreOwnsAreRefusedWhereTheyAreWrittenNamingTheSettingToUse() {
        SessionStoreConfig.Builder builder = Stores.config(dir, clock);
        assertThatThrownBy(() -> builder.cache(c -> c.expireAfterWrite(Duration.ofHours(1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expireAfterWrite")
                .hasMessageContaining("maxInactiveIntervalLimit");
        assertThatThrownBy(() -> builder.cache(c -> c.clock(Clock.systemUTC())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SessionStoreConfig.Builder.clock");
        assertThatThrownBy(() -> builder.cache(c -> c.migrateEntries(false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("carries live sessions over");
        // a refused customizer is not kept: the store opens with what was accepted
        try (SessionStore store = SessionStore.open(builder.build())) {
            assertThat(store.fileInfo().cacheSizeBytes()).isEqualTo(1L << 20);
        }
    }

    @Test
    void everyCacheOptionReachesTheFileAndCustomizersApplyInOrder() throws Exception {
        SessionStoreConfig config = SessionStoreConfig.builder("geometry").file(dir.resolve("g.fmm")).clock(clock)
                .cache(c -> c.pageCount(8).pageSize(8 << 10).cacheSize(64 << 10))
                .cache(c -> c.filePermissions(PosixFilePermissions.fromString("rw-rw----")))
                .cache(c -> c.cacheSize(128 << 10).pageCount(16).pageSize(8 << 10))
                .build();
        try (SessionStore store = SessionStore.open(config)) {
            assertThat(store.fileInfo().pageCount()).isEqualTo(16);
            assertThat(store.fileInfo().pageSizeBytes()).isEqualTo(8 << 10);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file())))
                    .isEqualTo("rw-rw----");
        }
        // the store's default, 16 MiB in FastMmap's 64 KiB pages, when nothing is set
        try (SessionStore store = SessionStore.open(SessionStoreConfig.builder("defaults")
                .file(dir.resolve("d.fmm")).clock(clock).build())) {
            assertThat(store.fileInfo().cacheSizeBytes()).isEqualTo(SessionStoreConfig.DEFAULT_CACHE_SIZE);
            assertThat(store.fileInfo().pageSizeBytes()).isEqualTo(SessionStoreConfig.DEFAULT_PAGE_SIZE);
        }
    }
}
