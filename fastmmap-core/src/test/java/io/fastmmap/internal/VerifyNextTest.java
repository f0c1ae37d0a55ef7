package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FastMmap#verifyNext}: a bounded check that walks the pages in turn, for health checks. */
class VerifyNextTest {
    @TempDir
    Path directory;

    @Test
    void eachCallChecksTheNextPagesInTurnAndFindsADamagedOneWithoutRepairingIt() throws Exception {
        SmallCacheFile cacheFile = new SmallCacheFile(directory.resolve("next.fmm"), new Geometry(4096, 4));
        cacheFile.fill(20, 60, cache -> { });
        int damaged;
        try (RawFile raw = cacheFile.raw()) {
            damaged = raw.pageOf(Bytes.utf8("k3"));
            raw.memory.putInt(raw.recordOf(Bytes.utf8("k3")) + PageFormat.VALUE_LENGTH_OFFSET, Integer.MAX_VALUE);
        }
        try (FastMmap cache = cacheFile.open()) {
            List<Integer> pagesWithFindings = new ArrayList<>();
            for (int call = 0; call < 4; call++) {
                VerifyReport report = cache.verifyNext(1);
                assertThat(report.pagesChecked()).isEqualTo(1);
                report.findings().forEach(finding -> pagesWithFindings.add(finding.pageIndex()));
            }
            assertThat(pagesWithFindings).isNotEmpty().containsOnly(damaged);
            assertThat(cache.verifyNext(10).pagesChecked()).as("each page at most once").isEqualTo(4);
            assertThat(cache.stats().pageRepairCount()).as("nothing repaired").isZero();
        }
    }
}
