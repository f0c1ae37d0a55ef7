package io.fastmmap.session;

import io.fastmmap.FastMmap;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * How a {@link SessionStore} opens its file. Defaults follow the Perl store: one file per application, named after
 * it, in a private per-user directory ({@code $XDG_CACHE_HOME/fastmmap} or {@code ~/.cache/fastmmap}, created with
 * mode 0700), kept across restarts.
 *
 * {@snippet :
 * SessionStore store = SessionStore.open(SessionStoreConfig.builder("shop")   // ~/.cache/fastmmap/shop.sessions
 *         .cache(file -> file.cacheSize(64L << 20).lockTimeout(Duration.ofSeconds(2)))
 *         .build());
 * }
 *
 * <p>The file is a {@link FastMmap} cache, and every option of its builder is set through {@link Builder#cache}:
 * sizes, {@code recreate}, {@code deleteOnClose}, {@code lockTimeout}, {@code filePermissions}, {@code jmx}...
 * The store owns three of them: {@code expireAfterWrite} (derived from {@link Builder#maxInactiveIntervalLimit}),
 * {@code clock} ({@link Builder#clock}) and {@code migrateEntries} (always on).
 *
 * <p>The same settings as string keys ({@link #fromProperties}), for containers that configure by name.
 */
public final class SessionStoreConfig {
    /** Default total size of the session file: 16 MiB (the store's one default that differs from FastMmap's). */
    public static final long DEFAULT_CACHE_SIZE = 16L << 20;
    /** Default page size, which bounds one session: 64 KiB, FastMmap's own default. */
    public static final int DEFAULT_PAGE_SIZE = 64 << 10;
    /** Default number of sessions whose decoded form each process keeps: 4096. */
    public static final int DEFAULT_DECODED_CACHE_SIZE = 4096;
    /** Default bound on the stored bytes of the sessions whose decoded form each process keeps: 16 MiB. */
    public static final long DEFAULT_DECODED_CACHE_BYTES = 16L << 20;

    private static final Set<String> KEYS = new TreeSet<>(Arrays.asList("app-name", "storage", "cache-size",
            "page-size", "recreate", "delete-on-close", "max-inactive-interval", "max-inactive-interval-limit",
            "java-allowed-classes"));
    /** The Perl store's names for the same settings. */
    private static final Map<String, String> PERL_ALIASES = Map.of("init_file", "recreate", "unlink_on_exit",
            "delete-on-close", "cache_size", "cache-size", "page_size", "page-size", "file", "storage");

    private final String appName;
    private final Path file;
    private final List<Consumer<FastMmap.Builder>> cacheOptions;
    private final Duration defaultMaxInactiveInterval;
    private final Duration maxInactiveIntervalLimit;
    private final Duration expiredRetention;
    private final Duration evictionWarningInterval;
    private final Clock clock;
    private final AttributeSerializer serializer;
    private final int decodedCacheSize;
    private final long decodedCacheBytes;

    private SessionStoreConfig(Builder b) {
        this.appName = b.appName;
        this.file = b.file != null ? b.file : defaultDirectory().resolve(appName + ".sessions");
        this.cacheOptions = List.copyOf(b.cacheOptions);
        this.defaultMaxInactiveInterval = b.defaultMaxInactiveInterval;
        this.maxInactiveIntervalLimit = b.maxInactiveIntervalLimit;
        this.expiredRetention = b.expiredRetention;
        this.evictionWarningInterval = b.evictionWarningInterval;
        this.clock = b.clock;
        this.serializer = b.serializer;
        this.decodedCacheSize = b.decodedCacheSize;
        this.decodedCacheBytes = b.decodedCacheBytes;
    }

    /**
     * @param appName the application's name, used for the default file name: letters, digits, '.', '_' and '-'
     * @return a builder with the defaults
     */
    public static Builder builder(String appName) {
        return new Builder(appName);
    }

    /**
     * Reads settings by name: {@code app-name} (required), {@code storage} (file path), {@code cache-size} and
     * {@code page-size} (bytes, or with a k/m/g suffix), {@code recreate}, {@code delete-on-close},
     * {@code max-inactive-interval} and {@code max-inactive-interval-limit} (seconds, or an ISO-8601 duration such as
     * {@code PT30M}), {@code java-allowed-classes} (comma-separated patterns of the application's classes that Java
     * serialization may read back, besides the JDK value types). The
     * Perl store's {@code init_file}, {@code unlink_on_exit}, {@code cache_size} and {@code page_size} are accepted
     * too.
     *
     * @param properties the settings
     * @return the configuration
     * @throws IllegalArgumentException naming an unknown key or a bad value
     */
    public static SessionStoreConfig fromProperties(Map<String, String> properties) {
        String appName = null;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (canonical(e.getKey()).equals("app-name")) {
                appName = e.getValue();
            }
        }
        if (appName == null) {
            throw new IllegalArgumentException("session store settings need \"app-name\" (it names the file); got "
                    + properties.keySet());
        }
        Builder b = builder(appName);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String value = e.getValue().trim();
            switch (canonical(e.getKey())) {
                case "app-name" -> { }
                case "storage" -> b.file(Path.of(value));
                case "cache-size" -> setSize(e.getKey(), value, bytes -> b.cache(file -> file.cacheSize(bytes)));
                case "page-size" -> setSize(e.getKey(), value, bytes -> b.cache(file -> file.pageSize(
                        (int) Math.min(bytes, Integer.MAX_VALUE))));
                case "recreate" -> {
                    boolean recreate = parseBoolean(e.getKey(), value);
                    b.cache(file -> file.recreate(recreate));
                }
                case "delete-on-close" -> {
                    boolean deleteOnClose = parseBoolean(e.getKey(), value);
                    b.cache(file -> file.deleteOnClose(deleteOnClose));
                }
                case "max-inactive-interval" -> b.defaultMaxInactiveInterval(parseDuration(e.getKey(), value));
                case "max-inactive-interval-limit" -> b.maxInactiveIntervalLimit(parseDuration(e.getKey(), value));
                case "java-allowed-classes" -> b.serializer(DefaultAttributeSerializer.withJavaSerialization(
                        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                                .toArray(String[]::new)));
                default -> throw new IllegalArgumentException("unknown session store setting \"" + e.getKey()
                        + "\"; known: " + KEYS + " (and the Perl names " + PERL_ALIASES.keySet() + ")");
            }
        }
        return b.build();
    }

    private static String canonical(String key) {
        return PERL_ALIASES.getOrDefault(key, key);
    }

    /** Sets a size, naming the setting as it was written when fastmmap-core's rule refuses the size. */
    private static void setSize(String key, String value, LongConsumer setter) {
        long bytes = parseSize(key, value);
        try {
            setter.accept(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("session store setting " + key + "=\"" + value + "\": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param key the setting, for the message
     * @param value bytes, or a number with suffix k, m or g (powers of 1024), as the Perl store's {@code cache_size}
     * @return bytes
     */
    static long parseSize(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
            unit = switch (v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            v = v.substring(0, v.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(v), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("session store setting " + key + "=\"" + value + "\" is not a size;"
                    + " write bytes or a number with k, m or g, e.g. 64m");
        }
    }

    private static boolean parseBoolean(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("session store setting " + key + "=\"" + value
                    + "\" is not a boolean; write true or false");
        };
    }

    private static Duration parseDuration(String key, String value) {
        try {
            return value.startsWith("P") || value.startsWith("p") ? Duration.parse(value)
                    : Duration.ofSeconds(Long.parseLong(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("session store setting " + key + "=\"" + value + "\" is not a"
                    + " duration; write seconds (1800) or ISO-8601 (PT30M)");
        }
    }

    /** @return {@code $XDG_CACHE_HOME/fastmmap}, or {@code ~/.cache/fastmmap} */
    static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("fastmmap");
    }

    /** @return the application name */
    public String appName() {
        return appName;
    }

    /** @return the session file */
    public Path file() {
        return file;
    }

    /**
     * The builder {@link SessionStore#open} opens the file with: the store's options, then every
     * {@link Builder#cache} customizer in order. The file's geometry as opened is {@link SessionStore#fileInfo()}.
     *
     * @return a new builder for {@link #file()}
     */
    FastMmap.Builder cacheBuilder() {
        FastMmap.Builder builder = storeOptions(file, maxInactiveIntervalLimit.plus(expiredRetention), clock);
        cacheOptions.forEach(options -> options.accept(builder));
        return builder;
    }

    /**
     * What the store sets on the file's builder before the application's customizers, reserving what it owns so that
     * a customizer setting one of those fails at once, naming the store's setting to use instead.
     */
    private static FastMmap.Builder storeOptions(Path file, Duration ttl, Clock clock) {
        return FastMmap.builder(file).cacheSize(DEFAULT_CACHE_SIZE)
                .expireAfterWrite(ttl)
                .reserve("the session store sets it to maxInactiveIntervalLimit + expiredRetention, so LRU treats"
                        + " an entry older than any session can live as expired; set those on"
                        + " SessionStoreConfig.Builder", "expireAfterWrite")
                .clock(clock)
                .reserve("session times and the file's expiry must read one clock; set SessionStoreConfig.Builder"
                        + ".clock", "clock")
                // A new cache-size or page-size carries the live sessions over (refused while instances of the
                // old size still run: the message says to stop them first).
                .migrateEntries(true)
                .reserve("the session store always carries live sessions over to a file of a new size",
                        "migrateEntries");
    }

    /** @return the max inactive interval of new sessions */
    public Duration defaultMaxInactiveInterval() {
        return defaultMaxInactiveInterval;
    }

    /** @return the longest max inactive interval a session may have; longer ones are lowered to it */
    public Duration maxInactiveIntervalLimit() {
        return maxInactiveIntervalLimit;
    }

    /** @return how long an expired session stays in the file for {@link SessionStore#deleteExpiredSessions} to report */
    public Duration expiredRetention() {
        return expiredRetention;
    }

    /** @return the least time between two warnings about evicted live sessions */
    public Duration evictionWarningInterval() {
        return evictionWarningInterval;
    }

    /** @return the wall clock of session times */
    public Clock clock() {
        return clock;
    }

    /** @return the attribute serializer */
    public AttributeSerializer serializer() {
        return serializer;
    }

    /** @return how many sessions' decoded form this process keeps ({@link Builder#decodedCacheSize}) */
    public int decodedCacheSize() {
        return decodedCacheSize;
    }

    /** @return the bound on the stored bytes of those sessions ({@link Builder#decodedCacheBytes}) */
    public long decodedCacheBytes() {
        return decodedCacheBytes;
    }

    @Override
    public String toString() {
        return "SessionStoreConfig[app=" + appName + ", file=" + file + ", cacheCustomizers=" + cacheOptions.size()
                + ", maxInactive=" + defaultMaxInactiveInterval + ", limit=" + maxInactiveIntervalLimit
                + ", serializer=" + serializer + ", decodedCacheSize=" + decodedCacheSize + ", decodedCacheBytes=" + decodedCacheBytes + "]";
    }

    /** Collects settings; each setter checks its argument at once. */
    public static final class Builder {
        private final String appName;
        private Path file;
        private final List<Consumer<FastMmap.Builder>> cacheOptions = new ArrayList<>();
        private Duration defaultMaxInactiveInterval = Duration.ofMinutes(30);
        private Duration maxInactiveIntervalLimit = Duration.ofHours(24);
        private Duration expiredRetention = Duration.ofMinutes(10);
        private Duration evictionWarningInterval = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();
        private AttributeSerializer serializer = DefaultAttributeSerializer.standard();
        private int decodedCacheSize = DEFAULT_DECODED_CACHE_SIZE;
        private long decodedCacheBytes = DEFAULT_DECODED_CACHE_BYTES;
        /**
         * fastmmap-core owns the rules for its options: each customizer runs on this builder when it is given, so a
         * bad value fails at once with core's message. Its file is a placeholder: SessionStore.open builds the real
         * cache.
         */
        private final FastMmap.Builder cacheRules = storeOptions(Path.of("session-cache-rules"),
                Duration.ofDays(1), Clock.systemUTC());

        private Builder(String appName) {
            Objects.requireNonNull(appName, "appName");
            if (!appName.matches("[A-Za-z0-9._-]{1,64}") || appName.startsWith(".")) {
                throw new IllegalArgumentException("app name \"" + appName + "\" must be 1 to 64 characters from"
                        + " [A-Za-z0-9._-], not starting with '.' (it names the session file)");
            }
            this.appName = appName;
        }

        /**
         * @param file the session file (Perl {@code storage}); its parent directories are created with mode 0700
         * @return this builder
         */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
            return this;
        }

        /**
         * Sets options of the session file, a {@link FastMmap} cache, on its builder: sizes (Perl {@code cache_size},
         * {@code page_size}), {@code recreate} (Perl {@code init_file}), {@code deleteOnClose} (Perl
         * {@code unlink_on_exit}), {@code lockTimeout}, {@code filePermissions}, {@code allowRemoteFileSystem},
         * {@code jmx}, {@code enableStats}. Unset, the file is 16 MiB ({@link SessionStoreConfig#DEFAULT_CACHE_SIZE})
         * in 64 KiB pages (the largest session), kept across restarts. A changed cache or page size carries the live sessions over to a
         * file of the new size at the next start (see {@link SessionStore#open}). The store starts from
         * {@code cacheSize(16 MiB)}: to give both {@code pageCount} and {@code pageSize}, give {@code cacheSize} too
         * (FastMmap takes two of the three).
         *
         * <p>The customizer runs now, on a builder that checks each value (a bad one fails here, with core's
         * message), and again, with the customizers given before it, when {@link SessionStore#open} builds the file.
         * It must not set what the store owns: {@code expireAfterWrite}, {@code clock} and {@code migrateEntries}
         * throw {@link IllegalStateException} naming the store's setting to use.
         *
         * @param options sets options on the file's builder, e.g. {@code file -> file.cacheSize(64L << 20)}
         * @return this builder
         * @throws IllegalArgumentException from fastmmap-core's rule for a value, naming it and the fix
         * @throws IllegalStateException when the customizer sets an option the store owns
         */
        public Builder cache(Consumer<FastMmap.Builder> options) {
            Objects.requireNonNull(options, "options");
            options.accept(cacheRules);
            cacheOptions.add(options);
            return this;
        }

        /**
         * @param interval the max inactive interval of new sessions; default 30 minutes
         * @return this builder
         */
        public Builder defaultMaxInactiveInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("defaultMaxInactiveInterval=" + interval + "; it must be zero or"
                        + " positive");
            }
            this.defaultMaxInactiveInterval = interval;
            return this;
        }

        /**
         * @param limit the longest max inactive interval; default 24 hours. The file's own time to live for a
         *     session entry is this plus {@link #expiredRetention}, so LRU treats older entries as expired
         * @return this builder
         */
        public Builder maxInactiveIntervalLimit(Duration limit) {
            if (limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("maxInactiveIntervalLimit=" + limit + "; it must be positive");
            }
            this.maxInactiveIntervalLimit = limit;
            return this;
        }

        /**
         * @param retention how long an expired session stays findable by {@link SessionStore#deleteExpiredSessions}
         *     (so expiry events can be fired); default 10 minutes
         * @return this builder
         */
        public Builder expiredRetention(Duration retention) {
            if (retention.isNegative()) {
                throw new IllegalArgumentException("expiredRetention=" + retention + "; it must not be negative");
            }
            this.expiredRetention = retention;
            return this;
        }

        /**
         * @param interval least time between two warnings about evicted live sessions; default 5 minutes
         * @return this builder
         */
        public Builder evictionWarningInterval(Duration interval) {
            this.evictionWarningInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * @param clock the wall clock for session times; every process sharing the file must agree on time
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param serializer how attribute values become bytes; default {@link DefaultAttributeSerializer#standard()}
         *     (JSON for plain values, Java serialization for JDK value types)
         * @return this builder
         */
        public Builder serializer(AttributeSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * How many sessions' last decoded form this process keeps, so that a request finding a session's bytes
         * unchanged since this process last read or wrote them skips decoding them. Always checked against the
         * file's current bytes, so sharing the file with other processes stays safe. Each entry holds one stored
         * session (its bytes and attribute values that are immutable); {@link #decodedCacheBytes} bounds their size.
         *
         * @param count sessions kept at most; default {@value SessionStoreConfig#DEFAULT_DECODED_CACHE_SIZE}; 0
         *     turns the cache off
         * @return this builder
         */
        public Builder decodedCacheSize(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("decodedCacheSize=" + count + "; it must be zero (off) or positive");
            }
            this.decodedCacheSize = count;
            return this;
        }

        /**
         * @param bytes bound on the stored bytes of the sessions {@link #decodedCacheSize} keeps (their decoded
         *     values take about as much again); a session larger than a sixteenth of it is not kept. Default
         *     {@value SessionStoreConfig#DEFAULT_DECODED_CACHE_BYTES}
         * @return this builder
         */
        public Builder decodedCacheBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("decodedCacheBytes=" + bytes + "; it must be zero or positive");
            }
            this.decodedCacheBytes = bytes;
            return this;
        }

        /** @return the configuration */
        public SessionStoreConfig build() {
            if (defaultMaxInactiveInterval.compareTo(maxInactiveIntervalLimit) > 0) {
                throw new IllegalArgumentException("defaultMaxInactiveInterval=" + defaultMaxInactiveInterval
                        + " is above maxInactiveIntervalLimit=" + maxInactiveIntervalLimit + "; raise the limit");
            }
            return new SessionStoreConfig(this);
        }
    }
}
