package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file over 2 GiB: on Java 17 it is mapped in 1 GiB chunks (a MappedByteBuffer stops at 2 GiB), with pages that
 * straddle chunk boundaries; on Java 22+ as one segment. Every page must read back what was written.
 */
class LargeFileTest {
    @TempDir
    Path directory;

    @Test
    void entriesInEveryPageOfAFileBeyond2GiBShouldReadBack() throws Exception {
        Path file = directory.resolve("large.fmm");
        int pageSize = 3 << 20; // 3 MiB does not divide 1 GiB, so some pages straddle chunk boundaries
        int pageCount = 760;
        try (FastMmap cache = FastMmap.builder(file).pageCount(pageCount).pageSize(pageSize).deleteOnClose(true)
                .build()) {
            assertThat(Files.size(file)).isGreaterThan(2L << 30);
            int keys = 6000;
            for (int i = 0; i < keys; i++) {
                cache.set(Bytes.utf8("key-" + i), Bytes.filled(20_000 + i % 7, i));
            }
            for (int i = 0; i < keys; i++) {
                assertThat(cache.get(Bytes.utf8("key-" + i))).as("key-%d", i).isEqualTo(Bytes.filled(20_000 + i % 7, i));
            }
            assertThat(cache.stats().evictionCount()).isZero();
            // a value as large as a page allows, in whatever page its key lands
            byte[] huge = Bytes.filled(cache.maxValueByteCount(4), 5);
            cache.set(Bytes.utf8("huge"), huge);
            assertThat(cache.get(Bytes.utf8("huge"))).isEqualTo(huge);
        }
        assertThat(file).doesNotExist();
    }
}
