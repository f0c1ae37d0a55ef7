package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.FastMmap;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy file's options go through one customizer of a real FastMmap.Builder; needs no Redis. */
class RedisTierConfigTest {
    @TempDir
    Path dir;

    private RedisTierConfig.Builder builder() {
        return builder("copies.fmm");
    }

    private RedisTierConfig.Builder builder(String fileName) {
        return RedisTierConfig.builder(RedisURI.create("redis://localhost:6379"), dir.resolve(fileName));
    }

    @Test
    void copyFileOptionsAreCheckedWhenGivenAndReachTheFile() {
        assertThatThrownBy(() -> builder().cache(c -> c.pageSize(6000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize=6000");
        assertThatThrownBy(() -> builder().cache(c -> c.clock(Clock.systemUTC())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RedisTierConfig.Builder.clock");
        RedisTierConfig config = builder().cache(c -> c.cacheSize(256 << 10).pageSize(8 << 10)).build();
        try (FastMmap copies = config.cacheBuilder().build()) {
            CacheFileInfo info = CacheFileInfo.read(copies.file());
            assertThat(info.cacheSizeBytes()).isEqualTo(256 << 10);
            assertThat(info.pageSizeBytes()).isEqualTo(8 << 10);
        }
        try (FastMmap copies = builder("defaults.fmm").build().cacheBuilder().build()) {
            assertThat(CacheFileInfo.read(copies.file()).cacheSizeBytes())
                    .isEqualTo(RedisTierConfig.DEFAULT_CACHE_SIZE);
        }
    }
}
