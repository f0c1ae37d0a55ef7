package io.fastmmap.spring.boot;

import io.fastmmap.FastMmap;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** The {@code fastmmap} health indicator on Spring Boot 3.5 (see {@link FastMmapHealthCheck}). */
public final class FastMmapHealthIndicator extends AbstractHealthIndicator {
    private final FastMmapHealthCheck check;

    /** @param cache the cache file to watch, {@value FastMmapHealthCheck#DEFAULT_PAGES_PER_CHECK} pages per call */
    public FastMmapHealthIndicator(FastMmap cache) {
        this(cache, FastMmapHealthCheck.DEFAULT_PAGES_PER_CHECK);
    }

    /**
     * @param cache the cache file to watch
     * @param pagesPerCheck pages verified per call (management.health.fastmmap.pages-per-check)
     */
    public FastMmapHealthIndicator(FastMmap cache, int pagesPerCheck) {
        super("fastmmap health check failed");
        this.check = new FastMmapHealthCheck(cache, pagesPerCheck);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        FastMmapHealthCheck.Result result = check.check();
        (result.up() ? builder.up() : builder.down()).withDetails(result.details());
    }
}
