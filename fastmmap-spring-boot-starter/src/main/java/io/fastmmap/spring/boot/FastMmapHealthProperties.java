package io.fastmmap.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code management.health.fastmmap.*}: the {@code fastmmap} health indicator's cost per call ({@code enabled} is
 * Boot's own switch of the indicator).
 */
@ConfigurationProperties(prefix = "management.health.fastmmap")
public class FastMmapHealthProperties {
    /** Largest value: a page check locks the page, so a check of thousands would stall a health endpoint. */
    static final int MAX_PAGES_PER_CHECK = 4096;

    /**
     * Pages verified on each health call, the next ones each time, so that every page is checked once per
     * page-count / pages-per-check calls. Each page is locked while it is checked: more pages find damage sooner and
     * cost more per call. 1 to 4096.
     */
    private int pagesPerCheck = FastMmapHealthCheck.DEFAULT_PAGES_PER_CHECK;

    public int getPagesPerCheck() {
        return pagesPerCheck;
    }

    public void setPagesPerCheck(int pagesPerCheck) {
        if (pagesPerCheck < 1 || pagesPerCheck > MAX_PAGES_PER_CHECK) {
            throw new IllegalArgumentException("management.health.fastmmap.pages-per-check=" + pagesPerCheck
                    + " is outside 1.." + MAX_PAGES_PER_CHECK + "; the default is "
                    + FastMmapHealthCheck.DEFAULT_PAGES_PER_CHECK);
        }
        this.pagesPerCheck = pagesPerCheck;
    }
}
