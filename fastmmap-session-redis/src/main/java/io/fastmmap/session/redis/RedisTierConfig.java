package io.fastmmap.session.redis;

import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
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
 * @param cacheSizeBytes size of the copy file
 * @param pageSizeBytes page size of the copy file; a larger session is served from Redis every time
 * @param clock wall clock, shared by every process on the host
 */
public record RedisTierConfig(RedisURI redis, Path file, String namespace, RedisSerializer<Object> serializer,
        Duration commandTimeout, Duration heartbeatTimeout, Duration maxCopyAge, Duration touchInterval,
        Duration defaultMaxInactiveInterval, long cacheSizeBytes, int pageSizeBytes, Clock clock) {

    /** Spring Session Data Redis's default namespace. */
    public static final String DEFAULT_NAMESPACE = "spring:session";

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
        Objects.requireNonNull(clock, "clock");
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
        private long cacheSizeBytes = 64L << 20;
        private int pageSizeBytes = 64 << 10;
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

        public Builder cacheSize(long bytes) {
            this.cacheSizeBytes = bytes;
            return this;
        }

        public Builder pageSize(int bytes) {
            this.pageSizeBytes = bytes;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public RedisTierConfig build() {
            return new RedisTierConfig(redis, file, namespace, serializer, commandTimeout, heartbeatTimeout,
                    maxCopyAge, touchInterval, defaultMaxInactiveInterval, cacheSizeBytes, pageSizeBytes, clock);
        }
    }
}
