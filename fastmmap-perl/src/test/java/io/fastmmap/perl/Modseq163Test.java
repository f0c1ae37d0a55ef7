package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.FastMmapException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records of Cache::FastMmap 1.63 (not packaged here, so written directly as 1.63's C code lays them out): a value
 * with FC_HASMODSEQ starts with an 8-byte modseq that is not part of the value; a tombstone reads as absent and
 * refuses a plain store while unexpired, as 1.63 refuses it.
 */
class Modseq163Test {

    private static final int PAGES = 3;
    private static final int PAGE_SIZE = 4096;

    @TempDir
    Path dir;

    /** Writes a record with the given flags through the page code itself, as a 1.63 process would lay it out. */
    private static void write163(Path file, String key, byte[] valueWithModseq, long flags) throws Exception {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long hash = PerlPage.hash(keyBytes);
        int pageIndex = (int) (hash % PAGES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer page = channel.map(FileChannel.MapMode.READ_WRITE, (long) pageIndex * PAGE_SIZE, PAGE_SIZE);
            new PerlPage(new PageMemory(page, file, pageIndex), file, pageIndex, System.currentTimeMillis() / 1000)
                    .write(keyBytes, hash / PAGES, valueWithModseq, 0, flags);
        }
    }

    private static byte[] withModseq(long modseq, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + bytes.length).order(ByteOrder.nativeOrder()).putLong(modseq).put(bytes)
                .array();
    }

    @Test
    void aModseqPrefixIsNotPartOfTheValueAndATombstoneIsAbsent() throws Exception {
        Path file = dir.resolve("share");
        try (PerlCache cache = PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).build()) {
            write163(file, "live", withModseq(7, "value"), PerlPage.FC_HASMODSEQ);
            assertThat(cache.get("live".getBytes(StandardCharsets.UTF_8))).asString().isEqualTo("value");
            cache.set("live".getBytes(StandardCharsets.UTF_8), "plain".getBytes(StandardCharsets.UTF_8));
            assertThat(cache.get("live".getBytes(StandardCharsets.UTF_8))).asString().isEqualTo("plain");

            write163(file, "gone", withModseq(9, ""), PerlPage.FC_HASMODSEQ | PerlPage.FC_TOMBSTONE);
            assertThat(cache.get("gone".getBytes(StandardCharsets.UTF_8))).isNull();
            assertThat(cache.keys()).extracting(k -> new String(k, StandardCharsets.UTF_8)).containsExactly("live");
            assertThatThrownBy(() -> cache.set("gone".getBytes(StandardCharsets.UTF_8), new byte[] {1}))
                    .isInstanceOf(FastMmapException.class).hasMessageContaining("tombstone");
        }
    }
}
