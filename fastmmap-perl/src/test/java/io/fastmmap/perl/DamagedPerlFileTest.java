package io.fastmmap.perl;

import static io.fastmmap.perl.PerlProcess.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheCorruptedException;
import io.fastmmap.FastMmapException;
import io.fastmmap.process.ExternalTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Perl-written file damaged on purpose: every damage to the structure (header, slot, record lengths, stored hash)
 * is reported with {@link CacheCorruptedException} naming the file and page; Java never serves another key's value,
 * never reads outside the page, never leaves the page locked; the other pages keep working.
 */
class DamagedPerlFileTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    private static final int PAGES = 3;
    private static final int PAGE_SIZE = 4096;
    private static final byte[] KEY = "victim".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path perlFile() {
        Path file = dir.resolve("share");
        try (PerlCache create = open(file)) {
            create.clear();
        }
        PerlProcess.run(file, PAGES, PAGE_SIZE, "set", hex("victim"), hex("the victim's value"));
        PerlProcess.run(file, PAGES, PAGE_SIZE, "setmany", "other-", "30");
        return file;
    }

    private static PerlCache open(Path file) {
        return PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).lockTimeout(Duration.ofSeconds(2)).build();
    }

    private static int victimPage() {
        return (int) (PerlPage.hash(KEY) % PAGES);
    }

    /** @return the page offset of the victim's record (found by its key bytes) */
    private static int record(ByteBuffer page) {
        for (int i = 0; i + KEY.length <= page.capacity(); i++) {
            if (page.slice(i, KEY.length).equals(ByteBuffer.wrap(KEY))) {
                return i - PerlPage.RECORD_HEADER_BYTES;
            }
        }
        throw new AssertionError("victim record not found");
    }

    private static int slot(ByteBuffer page, int record) {
        for (int offset = PerlPage.HEADER_BYTES; ; offset += 4) {
            if (page.getInt(offset) == record) {
                return offset;
            }
        }
    }

    /** Rewrites one u32 of the victim's page, chosen from the page's bytes. */
    private static void damage(Path file, IntUnaryOperator chooseOffset, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer page = channel.map(FileChannel.MapMode.READ_WRITE, (long) victimPage() * PAGE_SIZE, PAGE_SIZE)
                    .order(ByteOrder.nativeOrder());
            int offset = chooseOffset.applyAsInt(record(page));
            page.putInt(offset == -1 ? slot(page, record(page)) : offset, value);
        }
    }

    private void assertReportedAndContained(Path file, String expected) {
        try (PerlCache cache = open(file)) {
            for (int attempt = 0; attempt < 2; attempt++) { // the page lock was released: no timeout the second time
                assertThatThrownBy(() -> cache.get(KEY)).isInstanceOf(CacheCorruptedException.class)
                        .hasMessageContaining(file.toString()).hasMessageContaining("page " + victimPage())
                        .hasMessageContaining(expected).hasMessageContaining("test_file");
            }
            assertThatThrownBy(() -> cache.set(KEY, new byte[] {1})).isInstanceOf(CacheCorruptedException.class);
            for (int i = 0; i < 30; i++) { // keys of the other pages are served as before
                byte[] key = ("other-" + i).getBytes(StandardCharsets.US_ASCII);
                if (PerlPage.hash(key) % PAGES != victimPage()) {
                    byte[] value = cache.get(key);
                    assertThat(value == null || new String(value, StandardCharsets.US_ASCII)
                            .startsWith("value-" + i + "-")).isTrue();
                }
            }
        }
    }

    @Test
    void aSlotPointingOutsideThePage() throws IOException {
        Path file = perlFile();
        damage(file, record -> -1, PAGE_SIZE + 64);
        assertReportedAndContained(file, "outside the record area");
    }

    @Test
    void aSlotPointingIntoTheSlotTable() throws IOException {
        Path file = perlFile();
        damage(file, record -> -1, PerlPage.HEADER_BYTES + 8);
        assertReportedAndContained(file, "outside the record area");
    }

    @Test
    void aKeyLengthBeyondThePage() throws IOException {
        Path file = perlFile();
        damage(file, record -> record + 16, Integer.MAX_VALUE);
        assertReportedAndContained(file, "past the end of the used area");
    }

    @Test
    void aValueLengthBeyondThePage() throws IOException {
        Path file = perlFile();
        damage(file, record -> record + 20, -2);
        assertReportedAndContained(file, "past the end of the used area");
    }

    @Test
    void aStoredHashThatIsNotTheKeys() throws IOException {
        Path file = perlFile();
        damage(file, record -> record + 8, 12345);
        assertReportedAndContained(file, "stored hash");
    }

    @Test
    void eachOfTheFiveHeaderChecksOf157() throws IOException {
        int[][] damages = { // header offset, value: magic, slots < 89, free > slots, old > free, free data + bytes
            {0, 0}, {4, 88}, {8, 10_000}, {12, 10_000}, {20, 1},
        };
        for (int[] d : damages) {
            Path file = perlFile();
            damage(file, record -> d[0], d[1]);
            assertReportedAndContained(file, "damaged");
            Files.delete(file);
        }
    }

    @Test
    void randomDamageOfTheStructureNeverServesAWrongValue() throws IOException {
        Path original = perlFile();
        byte[] pristine = Files.readAllBytes(original);
        Random random = new Random(17);
        int reported = 0;
        for (int round = 0; round < 300; round++) {
            Path file = dir.resolve("round-" + round);
            Files.write(file, pristine);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer page = channel.map(FileChannel.MapMode.READ_WRITE, (long) victimPage() * PAGE_SIZE,
                        PAGE_SIZE);
                // header, slot table, and every record header up to the victim's (lengths, hash, times, flags)
                int structure = record(page) + PerlPage.RECORD_HEADER_BYTES;
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = random.nextInt(structure);
                    page.put(at, (byte) (page.get(at) ^ (1 << random.nextInt(8))));
                }
            }
            try (PerlCache cache = open(file)) {
                byte[] value = cache.get(KEY);
                if (value != null) { // a flip elsewhere (a time, another key's record) may leave the victim intact
                    assertThat(new String(value, StandardCharsets.UTF_8)).as("round %d", round)
                            .isEqualTo("the victim's value");
                }
                cache.set(KEY, "new".getBytes(StandardCharsets.UTF_8));
                cache.keys();
                cache.purge();
            } catch (FastMmapException expected) {
                assertThat(expected.getMessage()).contains(file.toString());
                reported++;
            }
            Files.delete(file);
        }
        assertThat(reported).as("damage reported").isGreaterThan(30);
    }
}
