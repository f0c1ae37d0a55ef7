package io.fastmmap;

import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SizeLimitTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 65536})
    void theLargestValueShouldFitAndOneByteMoreShouldNot(int pageSize) {
        try (FastMmap cache = FastMmap.builder(directory.resolve("c" + pageSize)).pageCount(2).pageSize(pageSize)
                .build()) {
            for (int keyLength : new int[] {0, 1, 7, 8, 33}) {
                byte[] key = new byte[keyLength];
                int max = cache.maxValueByteCount(keyLength);
                assertThat(max).isEqualTo(pageSize - 32 - 64 - 24 - keyLength);
                cache.set(key, Bytes.filled(max - 1, 1));
                assertThat(cache.get(key)).isEqualTo(Bytes.filled(max - 1, 1));
                cache.set(key, Bytes.filled(max, 2));
                assertThat(cache.get(key)).isEqualTo(Bytes.filled(max, 2));
                assertThatThrownBy(() -> cache.set(key, new byte[max + 1]))
                        .isInstanceOf(ValueTooLargeException.class);
                assertThat(cache.get(key)).isEqualTo(Bytes.filled(max, 2));
            }
        }
    }

    @Test
    void keysShouldBeLimitedTo65535Bytes() {
        try (FastMmap cache = FastMmap.builder(directory.resolve("k")).pageCount(1).pageSize(1 << 17).build()) {
            byte[] longest = Bytes.filled(65_535, 3);
            cache.set(longest, utf8("v"));
            assertThat(cache.get(longest)).isEqualTo(utf8("v"));
            assertThatThrownBy(() -> cache.get(new byte[65_536]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
            assertThat(cache.maxValueByteCount(65_535)).isEqualTo((1 << 17) - 96 - 24 - 65_535);
        }
    }

    @Test
    void pageSizeShouldBeAMultipleOf4KiBWithinLimits() {
        FastMmap.Builder builder = FastMmap.builder(directory.resolve("x"));
        for (int bad : new int[] {0, 4095, 4097, 6000, (256 << 20) + 4096, -4096}) {
            assertThatThrownBy(() -> builder.pageSize(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pageSize=" + bad);
        }
        builder.pageSize(4096).pageSize(256 << 20).pageSize(12288);
    }

    @Test
    void pageCountShouldBeWithinLimits() {
        FastMmap.Builder builder = FastMmap.builder(directory.resolve("x"));
        assertThatThrownBy(() -> builder.pageCount(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.pageCount((1 << 24) + 1)).isInstanceOf(IllegalArgumentException.class);
        builder.pageCount(1).pageCount(1 << 24);
    }

    @Test
    void cacheSizeShouldDeriveTheMissingDimension() throws Exception {
        Path bySize = directory.resolve("bysize");
        try (FastMmap cache = FastMmap.builder(bySize).cacheSize(1 << 20).build()) {
            assertThat(cache.toString()).contains("16 pages of 65536 bytes");
        }
        try (FastMmap cache = FastMmap.builder(directory.resolve("bycount")).cacheSize(1 << 20).pageCount(10)
                .build()) {
            assertThat(cache.toString()).contains("10 pages of 106496 bytes");
        }
        try (FastMmap cache = FastMmap.builder(directory.resolve("default")).build()) {
            assertThat(cache.toString()).contains("89 pages of 65536 bytes");
        }
        assertThatThrownBy(() -> FastMmap.builder(directory.resolve("y")).cacheSize(100_000).pageCount(2)
                .pageSize(4096).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set only two");
        assertThatThrownBy(() -> FastMmap.builder(directory.resolve("y")).cacheSize(4095))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.size(bySize)).isGreaterThan(16L * 65536);
    }
}
