package io.fastmmap;

import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheReaderTest {
    @TempDir
    Path directory;

    private FastMmap.Builder builder(Path file) {
        return FastMmap.builder(file).pageCount(4).pageSize(8192);
    }

    @Test
    void shouldReadValuesKeysEntriesAndStatsWithoutWritingAByte() throws Exception {
        Path file = directory.resolve("cache.fmm");
        ManualClock clock = new ManualClock();
        try (FastMmap cache = builder(file).clock(clock).build()) {
            for (int i = 0; i < 50; i++) {
                cache.set(utf8("key-" + i), utf8("value-" + i));
            }
            cache.set(utf8("short-lived"), utf8("x"), Duration.ofMinutes(1));
        }
        byte[] before = Files.readAllBytes(file);

        try (CacheReader reader = CacheReader.open(file, clock)) {
            assertThat(text(reader.get(utf8("key-7")))).isEqualTo("value-7");
            assertThat(reader.get(utf8("absent"))).isNull();
            assertThat(text(reader.get(utf8("short-lived")))).isEqualTo("x");
            clock.advance(Duration.ofMinutes(2));
            assertThat(reader.get(utf8("short-lived"))).as("expired for the reader's clock").isNull();
            List<String> keys = new ArrayList<>();
            reader.keys().forEach(key -> keys.add(text(key)));
            assertThat(keys).hasSize(50).contains("key-0", "key-49").doesNotContain("short-lived");
            assertThat(reader.entriesWithValues()).hasSize(50)
                    .allMatch(entry -> text(entry.value()).equals(text(entry.key()).replace("key", "value")));
            assertThat(reader.stats().entryCount()).isEqualTo(51);
            assertThat(reader.stats().usedBytes()).isPositive();
        }

        assertThat(Files.readAllBytes(file)).as("reading changed nothing, not even LRU stamps").isEqualTo(before);
    }

    @Test
    void shouldOnlyEverSeeWholeValuesWhileAWriterRewritesThem() throws Exception {
        Path file = directory.resolve("cache.fmm");
        builder(file).build().close();
        // Opened before the writer: the reader has its own mapping, the writer this JVM's connection.
        try (CacheReader reader = CacheReader.open(file); FastMmap writer = builder(file).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writing = new Thread(() -> {
                for (int round = 0; !stop.get(); round++) {
                    // Values of varying size, all bytes equal to the round: a torn read would mix rounds.
                    byte[] value = new byte[100 + round % 900];
                    Arrays.fill(value, (byte) round);
                    writer.set(utf8("k" + round % 20), value);
                    written.incrementAndGet();
                }
            });
            writing.start();
            long seen = 0;
            try {
                for (int i = 0; i < 200_000 && (i < 1000 || written.get() < 20_000); i++) {
                    byte[] value = reader.get(utf8("k" + i % 20));
                    if (value != null) {
                        seen++;
                        byte first = value[0];
                        assertThat(value).as("a whole value of one round").containsOnly(first);
                    }
                }
            } finally {
                stop.set(true);
                writing.join();
            }
            assertThat(seen).isPositive();
            assertThat(written.get()).isPositive();
        }
    }

    @Test
    void shouldReportADamagedPageAndLeaveItForARepairingWriter() throws Exception {
        Path file = directory.resolve("cache.fmm");
        try (FastMmap cache = builder(file).build()) {
            cache.set(utf8("victim"), utf8("V".repeat(500)));
        }
        byte[] content = Files.readAllBytes(file);
        int at = indexOf(content, utf8("V".repeat(500)));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(utf8("XX")), at + 250);
        }

        try (CacheReader reader = CacheReader.open(file)) {
            assertThatThrownBy(() -> reader.get(utf8("victim"))).isInstanceOf(CacheCorruptedException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("damaged")
                    .hasMessageContaining("fastmmap repair");
        }
        try (FastMmap cache = builder(file).build()) {
            assertThat(cache.get(utf8("victim"))).as("the writer repairs the page and drops the damaged entry")
                    .isNull();
        }
    }

    @Test
    void shouldRefuseUseAfterClose() {
        Path file = directory.resolve("cache.fmm");
        builder(file).build().close();
        CacheReader reader = CacheReader.open(file);
        reader.close();
        reader.close();

        assertThatThrownBy(() -> reader.get(utf8("k"))).isInstanceOf(CacheClosedException.class);
    }

    private static int indexOf(byte[] content, byte[] pattern) {
        for (int i = 0; i + pattern.length <= content.length; i++) {
            if (Arrays.equals(content, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not in file");
    }
}
