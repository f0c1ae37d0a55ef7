package io.fastmmap.session.redis;

import io.fastmmap.FastMmap;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.MapSession;

/**
 * Settings of a {@link FastMmapRedisSessionRepository}. Only the Redis address and the host's file are required;
 * every default matches Spring Session Data Redis ({@code spring:session} namespace, JDK serialization), so plain
 * Spring Session nodes and fastmmap-tier nodes serve the same visitors.
 *
 * @param redis where Redis is (with password, database, TLS as the URI says)
 * @param file this host's copy file, shared by every instance on the host; {@code <file>.ctl} and
 *     {@code <file>.listener} are created beside it
 * @param namespace Spring Session's key namespace ({@code spring.session.redis.namespace})
 * @param serializer the hash-value serializer, the same as every other Spring Session node's
 * @param commandTimeout bound on every Redis call of a request; past it the request fails with
 *     {@link RedisTierUnavailableException}
 * @param heartbeatTimeout the copy is bypassed (sessions read from Redis) when the host's listener has not had an
 *     answer from Redis for this long: the bound on staleness when invalidations stop arriving silently
 * @param maxCopyAge a copy is read from Redis again after this long at the latest, whatever happened
 * @param touchInterval a request that changes nothing writes its new last-access time only when the stored one is
 *     this old (capped at a tenth of the session's timeout); 0 writes it on every request, as Spring Session does
 * @param defaultMaxInactiveInterval timeout of new sessions
 * @param cacheOptions options of the copy file, a {@link FastMmap} cache, in order ({@link Builder#cache})
 * @param clock wall clock, shared by every process on the host
 */
public record RedisTierConfig(RedisURI redis, Path file, String namespace, RedisSerializer<Object> serializer,
        Duration commandTimeout, Duration heartbeatTimeout, Duration maxCopyAge, Duration touchInterval,
        Duration defaultMaxInactiveInterval, List<Consumer<FastMmap.Builder>> cacheOptions, Clock clock) {

    /** Spring Session Data Redis's default namespace. */
    public static final String DEFAULT_NAMESPACE = "spring:session";
    /** Default size of the copy file: 64 MiB (in FastMmap's default 64 KiB pages). */
    public static final long DEFAULT_CACHE_SIZE = 64L << 20;

    public RedisTierConfig {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(file, "file");
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("namespace='" + namespace + "'; give Spring Session's key namespace, "
                    + "default " + DEFAULT_NAMESPACE);
        }
        Objects.requireNonNull(serializer, "serializer");
        positive("commandTimeout", commandTimeout);
        positive("heartbeatTimeout", heartbeatTimeout);
        positive("maxCopyAge", maxCopyAge);
        if (touchInterval == null || touchInterval.isNegative()) {
            throw new IllegalArgumentException("touchInterval=" + touchInterval + "; it must be 0 or positive");
        }
        Objects.requireNonNull(defaultMaxInactiveInterval, "defaultMaxInactiveInterval");
        cacheOptions = List.copyOf(cacheOptions);
        Objects.requireNonNull(clock, "clock");
    }

    /** @return the builder the repository opens the copy file with: the tier's options, then {@link #cacheOptions} */
    FastMmap.Builder cacheBuilder() {
        FastMmap.Builder builder = tierOptions(file, clock);
        cacheOptions.forEach(options -> options.accept(builder));
        return builder;
    }

    private static FastMmap.Builder tierOptions(Path file, Clock clock) {
        return FastMmap.builder(file).cacheSize(DEFAULT_CACHE_SIZE).clock(clock)
                .reserve("the copies' ages and the session times must read one clock; set RedisTierConfig.Builder"
                        + ".clock", "clock");
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + "=" + value + "; it must be positive");
        }
    }

    /**
     * @param redis where Redis is
     * @param file this host's copy file
     * @return a builder with the defaults
     */
    public static Builder builder(RedisURI redis, Path file) {
        return new Builder(redis, file);
    }

    /** Defaults: namespace spring:session, JDK serialization, timeouts 2 s / 1 s, copy age 30 s, touch 60 s. */
    public static final class Builder {
        private final RedisURI redis;
        private final Path file;
        private String namespace = DEFAULT_NAMESPACE;
        private RedisSerializer<Object> serializer = new JdkSerializationRedisSerializer();
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration heartbeatTimeout = Duration.ofSeconds(1);
        private Duration maxCopyAge = Duration.ofSeconds(30);
        private Duration touchInterval = Duration.ofSeconds(60);
        private Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;
        private final List<Consumer<FastMmap.Builder>> cacheOptions = new ArrayList<>();
        /** Checks each customizer's values when it is given (a placeholder file: the repository opens the real one). */
        private final FastMmap.Builder cacheRules = tierOptions(Path.of("redis-tier-cache-rules"), Clock.systemUTC());
        private Clock clock = Clock.systemUTC();

        private Builder(RedisURI redis, Path file) {
            this.redis = redis;
            this.file = file;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder serializer(RedisSerializer<Object> serializer) {
            this.serializer = serializer;
            return this;
        }

        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        public Builder heartbeatTimeout(Duration heartbeatTimeout) {
            this.heartbeatTimeout = heartbeatTimeout;
            return this;
        }

        public Builder maxCopyAge(Duration maxCopyAge) {
            this.maxCopyAge = maxCopyAge;
            return this;
        }

        public Builder touchInterval(Duration touchInterval) {
            this.touchInterval = touchInterval;
            return this;
        }

        public Builder defaultMaxInactiveInterval(Duration interval) {
            this.defaultMaxInactiveInterval = interval;
            return this;
        }

        /**
         * Sets options of this host's copy file, a {@link FastMmap} cache: {@code cacheSize} (default
         * {@value RedisTierConfig#DEFAULT_CACHE_SIZE} bytes), {@code pageSize} (default 64 KiB; a larger session is
         * served from Redis every time), {@code lockTimeout}, {@code filePermissions}... Runs now, on a builder that
         * checks each value, and again when the repository opens the file. {@code clock} is the tier's own
         * ({@link #clock}) and refused here.
         *
         * @param options sets options on the copy file's builder, e.g. {@code file -> file.cacheSize(256L << 20)}
         * @return this builder
         * @throws IllegalArgumentException from fastmmap-core's rule for a value
         * @throws IllegalStateException when the customizer sets the clock
         */
        public Builder cache(Consumer<FastMmap.Builder> options) {
            Objects.requireNonNull(options, "options");
            options.accept(cacheRules);
            cacheOptions.add(options);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public RedisTierConfig build() {
            return new RedisTierConfig(redis, file, namespace, serializer, commandTimeout, heartbeatTimeout,
                    maxCopyAge, touchInterval, defaultMaxInactiveInterval, cacheOptions, clock);
        }
    }
}
