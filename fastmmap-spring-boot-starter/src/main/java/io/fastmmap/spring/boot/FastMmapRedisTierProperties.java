package io.fastmmap.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code fastmmap.session.redis.*}: the Redis tier ({@code fastmmap.session.tier=redis}). Where Redis is comes from
 * Boot's own {@code spring.data.redis.*}; the key namespace from {@code spring.session.redis.namespace}.
 */
@ConfigurationProperties(prefix = "fastmmap.session.redis")
public class FastMmapRedisTierProperties {
    /** Bound on each Redis call of a request; past it the request fails instead of waiting. */
    private Duration commandTimeout = Duration.ofSeconds(2);

    /**
     * How long the host's copy stays trusted without an answer from Redis to the host's listener: the bound on
     * staleness when invalidations stop arriving silently (a frozen listener, a stalled Redis).
     */
    private Duration heartbeatTimeout = Duration.ofSeconds(1);

    /** A copy is read from Redis again after this long at the latest. */
    private Duration maxCopyAge = Duration.ofSeconds(30);

    /**
     * A request that changes no attribute writes its last-access time only when the stored one is this old (at
     * most a tenth of the session timeout); 0 writes it on every request, as Spring Session Data Redis does.
     */
    private Duration touchInterval = Duration.ofSeconds(60);

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public Duration getHeartbeatTimeout() {
        return heartbeatTimeout;
    }

    public void setHeartbeatTimeout(Duration heartbeatTimeout) {
        this.heartbeatTimeout = heartbeatTimeout;
    }

    public Duration getMaxCopyAge() {
        return maxCopyAge;
    }

    public void setMaxCopyAge(Duration maxCopyAge) {
        this.maxCopyAge = maxCopyAge;
    }

    public Duration getTouchInterval() {
        return touchInterval;
    }

    public void setTouchInterval(Duration touchInterval) {
        this.touchInterval = touchInterval;
    }
}
