package io.fastmmap.spring.boot;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.CacheStats;
import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code fastmmap} health check, apart from Boot's types so that the Boot 3.5 and Boot 4 indicators share it:
 * UP with the file, its geometry, space and entries; DOWN when the file's header cannot be read, or a bounded check
 * ({@link FastMmap#verifyNext}, {@code management.health.fastmmap.pages-per-check} pages a time, default
 * {@value #DEFAULT_PAGES_PER_CHECK}, the next ones each time) finds damage or
 * the path now names another file.
 */
final class FastMmapHealthCheck {
    static final int DEFAULT_PAGES_PER_CHECK = 16;
    private static final int MAX_FINDINGS_SHOWN = 5;

    record Result(boolean up, Map<String, Object> details) {
    }

    private final FastMmap cache;
    private final int pagesPerCheck;

    FastMmapHealthCheck(FastMmap cache, int pagesPerCheck) {
        this.cache = cache;
        this.pagesPerCheck = pagesPerCheck;
    }

    /** @throws RuntimeException when the file cannot be read (Boot's indicator reports it DOWN with the error) */
    Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("file", cache.file().toString());
        CacheFileInfo info = CacheFileInfo.read(cache.file());
        details.put("pageCount", info.pageCount());
        details.put("pageSizeBytes", info.pageSizeBytes());
        details.put("cacheSizeBytes", info.cacheSizeBytes());
        CacheStats stats = cache.stats();
        details.put("usedBytes", stats.usedBytes());
        details.put("freeBytes", stats.freeBytes());
        details.put("entries", stats.entryCount());
        VerifyReport report = cache.verifyNext(pagesPerCheck);
        details.put("pagesChecked", report.pagesChecked());
        List<VerifyReport.Finding> findings = report.findings();
        if (!findings.isEmpty()) {
            details.put("findings", findings.stream().limit(MAX_FINDINGS_SHOWN).map(Object::toString).toList());
            details.put("action", "run `fastmmap verify " + cache.file() + "` (and `fastmmap repair` to rebuild the "
                    + "damaged pages); see docs/operations.md");
        }
        return new Result(findings.isEmpty(), details);
    }
}
