package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.VerifyReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An existing Cache::FastMmap file opened with no geometry given (what the `fastmmap` command does), and what it
 * shows of itself: entries, figures and a full check. Perl-written files are covered by fastmmap-cli's
 * PerlFileCliTest.
 */
class PerlCacheFileInfoTest {
    @TempDir
    Path dir;

    private Path create(PerlCache.Builder builder) {
        builder.build().close();
        return dir.resolve("share");
    }

    @Test
    void shouldTellTheGeometryFromThePageHeaders() throws IOException {
        Path defaults = create(PerlCache.builder(dir.resolve("share")));
        assertThat(PerlCacheFileInfo.read(defaults)).isEqualTo(new PerlCacheFileInfo(defaults, 89, 65536));
        Files.delete(defaults);

        // cache_size with page_size: a page size that is no power of 2, which pageSize(int) alone cannot give.
        Path odd = create(PerlCache.builder(dir.resolve("share")).cacheSize(100_000).pageSize(5000));
        PerlCacheFileInfo info = PerlCacheFileInfo.read(odd);
        assertThat(info.pageSize()).isEqualTo(5000);
        assertThat(info.fileSizeBytes()).isEqualTo(Files.size(odd));
        try (PerlCache cache = info.builder().build()) {
            cache.set(utf8("k"), utf8("v"));
            assertThat(cache.pageSize()).isEqualTo(5000);
            assertThat(cache.pageCount()).isEqualTo(info.pageCount());
        }
        Files.delete(odd);

        // One page's header damaged: the others outvote it.
        Path damaged = create(PerlCache.builder(dir.resolve("share")).pageCount(5).pageSize(4096));
        overwrite(damaged, 16, 0x7FFF_0000);
        assertThat(PerlCacheFileInfo.read(damaged)).isEqualTo(new PerlCacheFileInfo(damaged, 5, 4096));
    }

    @Test
    void shouldRefuseWhatIsNoCacheFastMmapFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a cache");
        assertThat(PerlCacheFileInfo.isPerlCacheFile(text)).isFalse();
        assertThat(PerlCacheFileInfo.isPerlCacheFile(dir.resolve("missing"))).isFalse();
        assertThatThrownBy(() -> PerlCacheFileInfo.read(text)).isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining(text + " is not a Cache::FastMmap file");

        Path wedged = create(PerlCache.builder(dir.resolve("share")).pageCount(1).pageSize(4096));
        assertThat(PerlCacheFileInfo.isPerlCacheFile(wedged)).isTrue();
        overwrite(wedged, 20, 12345);
        assertThatThrownBy(() -> PerlCacheFileInfo.read(wedged)).isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining("damaged").hasMessageContaining("Nothing was changed");
    }

    @Test
    void shouldListEntriesSumPagesAndVerifyWithoutChangingAnything() throws IOException {
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        Path file = create(PerlCache.builder(dir.resolve("share")).pageCount(3).pageSize(4096));
        try (PerlCache cache = PerlCacheFileInfo.read(file).builder()
                .clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
            cache.set(utf8("forever"), utf8("v1"));
            cache.set(utf8("soon"), utf8("v22"), Duration.ofSeconds(90));
            cache.values(PerlSerializer.RAW, PerlCompressor.NONE).set("text", "møøse");
            byte[] before = Files.readAllBytes(file);

            List<PerlCacheEntry> entries = cache.entries();
            PerlCacheStats stats = cache.stats();
            VerifyReport report = cache.verify();

            assertThat(Files.readAllBytes(file)).as("entries, stats and verify change nothing").isEqualTo(before);
            assertThat(entries).extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("forever", "soon", "text");
            PerlCacheEntry soon = entries.stream().filter(e -> e.key().length == 4).findFirst().orElseThrow();
            assertThat(soon.value()).isEqualTo(utf8("v22"));
            assertThat(soon.expiresAt()).isEqualTo(now.plusSeconds(90));
            assertThat(soon.lastAccess()).isEqualTo(now);
            assertThat(entries).filteredOn(PerlCacheEntry::isUtf8Value).extracting(e -> e.key().length)
                    .containsExactly(4);
            assertThat(stats.entryCount()).isEqualTo(3);
            assertThat(stats.pageCount()).isEqualTo(3);
            // Each record: 24 header bytes + key + value, rounded up to 4.
            assertThat(stats.usedBytes()).isEqualTo(36 + 32 + 36);
            assertThat(stats.usedBytes() + stats.freeBytes()).isEqualTo(3 * (4096 - 32 - 4 * 89));
            assertThat(report.isClean()).as(report.toString()).isTrue();
            assertThat(report.pagesChecked()).isEqualTo(3);

            // A record's stored slot hash no longer its key's: only the full check finds it (no get of that key).
            int page = (int) (PerlPage.hash(utf8("forever")) % 3);
            int record = 32 + 4 * 89;
            overwrite(file, (long) page * 4096 + record + 8, 7);
            assertThat(cache.verify().findings()).singleElement().satisfies(finding -> {
                assertThat(finding.pageIndex()).isEqualTo(page);
                assertThat(finding.description()).contains("page " + page, "slot hash");
            });
        }
    }

    private static void overwrite(Path file, long position, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), position);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
