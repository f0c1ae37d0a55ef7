package io.fastmmap;

import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheFileInfoTest {
    @TempDir
    Path directory;

    @Test
    void shouldDescribeAClosedFileAndReopenItWithItsOwnGeometry() {
        Path file = directory.resolve("cache.fmm");
        Instant before = Instant.now().minusSeconds(1);
        try (FastMmap cache = FastMmap.builder(file).pageCount(7).pageSize(8192).build()) {
            cache.set(utf8("k"), utf8("v"));
        }

        CacheFileInfo info = CacheFileInfo.read(file);

        assertThat(info.formatVersion()).isEqualTo(2);
        assertThat(info.pageCount()).isEqualTo(7);
        assertThat(info.pageSizeBytes()).isEqualTo(8192);
        assertThat(info.cacheSizeBytes()).isEqualTo(7 * 8192);
        assertThat(info.fileSizeBytes()).isEqualTo(file.toFile().length()).isGreaterThan(7 * 8192);
        assertThat(info.createdAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        try (FastMmap reopened = info.builder().build()) {
            assertThat(text(reopened.get(utf8("k")))).isEqualTo("v");
        }
    }

    @Test
    void shouldDescribeAFileThisJvmHasOpenWithoutDisturbingIt() {
        Path file = directory.resolve("cache.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(3).pageSize(4096).build()) {
            cache.set(utf8("k"), utf8("v"));

            assertThat(CacheFileInfo.read(file).pageCount()).isEqualTo(3);

            cache.set(utf8("k"), utf8("w"));
            assertThat(text(cache.get(utf8("k")))).isEqualTo("w");
        }
    }

    @Test
    void shouldRefuseWhatIsNotACacheFileNamingIt() throws Exception {
        Path missing = directory.resolve("missing.fmm");
        assertThatThrownBy(() -> CacheFileInfo.read(missing))
                .isInstanceOf(CacheFileException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");

        assertThatThrownBy(() -> CacheFileInfo.read(directory))
                .isInstanceOf(CacheFileException.class).hasMessageContaining("directory");

        Path text = Files.writeString(directory.resolve("notes.txt"), "hello, this is not a cache file at all, "
                + "but it is long enough to hold a header: ".repeat(4));
        assertThatThrownBy(() -> CacheFileInfo.read(text))
                .isInstanceOf(IncompatibleCacheFileException.class).hasMessageContaining("not a fastmmap cache file");

        Path link = Files.createSymbolicLink(directory.resolve("link.fmm"), text);
        assertThatThrownBy(() -> CacheFileInfo.read(link))
                .isInstanceOf(CacheFileException.class).hasMessageContaining("symbolic link");
    }
}
