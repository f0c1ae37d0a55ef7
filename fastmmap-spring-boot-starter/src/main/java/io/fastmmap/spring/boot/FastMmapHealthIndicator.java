package io.fastmmap.spring.boot;

import io.fastmmap.FastMmap;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** The {@code fastmmap} health indicator on Spring Boot 3.5 (see {@link FastMmapHealthCheck}). */
public final class FastMmapHealthIndicator extends AbstractHealthIndicator {
    private final FastMmapHealthCheck check;

    /** @param cache the cache file to watch */
    public FastMmapHealthIndicator(FastMmap cache) {
        super("fastmmap health check failed");
        this.check = new FastMmapHealthCheck(cache);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        FastMmapHealthCheck.Result result = check.check();
        (result.up() ? builder.up() : builder.down()).withDetails(result.details());
    }
}
