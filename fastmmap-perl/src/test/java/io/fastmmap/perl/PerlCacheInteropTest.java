package io.fastmmap.perl;

import static io.fastmmap.perl.PerlProcess.HEX;
import static io.fastmmap.perl.PerlProcess.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.process.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One file, written and read by real Cache::FastMmap 1.57 and by {@link PerlCache}, in turn. */
class PerlCacheInteropTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    private static final int PAGES = 3;
    private static final int PAGE_SIZE = 4096;

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private PerlCache open(Path file) {
        return PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).build();
    }

    @Test
    void hashMatchesCacheFastMmap() {
        // Test vectors of fastmmap.md §4.6, checked there against the module.
        assertThat(PerlPage.hash(bytes("hello"))).isEqualTo(998765229L);
        assertThat(PerlPage.hash(bytes("undefkey"))).isEqualTo(1470346626L);
        assertThat(998765229L % 3).isZero();
        assertThat(998765229L / 3).isEqualTo(332921743L);
    }

    @Test
    void javaReadsWhatPerlWrote() {
        Path file = dir.resolve("share");
        try (PerlCache cache = open(file)) { // Java creates the file; Perl opens it as it is
            PerlProcess.run(file, PAGES, PAGE_SIZE, "set", hex("hello"), hex("world"));
            PerlProcess.run(file, PAGES, PAGE_SIZE, "set", hex("møøse"), hex("ключ ✓"));
            PerlProcess.run(file, PAGES, PAGE_SIZE, "set", hex("short"), hex("gone"), "1");
            PerlProcess.run(file, PAGES, PAGE_SIZE, "setundef", hex("undefkey"));
            PerlProcess.run(file, PAGES, PAGE_SIZE, "setmany", "many-", "150");

            assertThat(cache.get(bytes("hello"))).asString(StandardCharsets.UTF_8).isEqualTo("world");
            assertThat(new String(cache.get(bytes("møøse")), StandardCharsets.UTF_8)).isEqualTo("ключ ✓");
            assertThat(cache.get(bytes("undefkey"))).isNull();
            assertThat(cache.get(bytes("absent"))).isNull();
            Map<String, String> perl = perlDump(file);
            Map<String, String> java = javaDump(cache);
            assertThat(java).isEqualTo(perl).containsEntry(hex("hello"), hex("world"));
            assertThat(perl.keySet().stream().filter(k -> k.startsWith(hex("many-"))).count())
                    .as("eviction kept some of the 150").isBetween(20L, 150L);
        }
    }

    @Test
    void perlReadsWhatJavaWroteAndItsFullPageCheckPasses() {
        Path file = dir.resolve("share");
        Map<String, String> expected = new TreeMap<>();
        try (PerlCache cache = open(file)) {
            // Enough entries to grow slot tables (89 -> 179 -> ...) and to evict, with removals in between.
            for (int i = 0; i < 600; i++) {
                cache.set(bytes("k" + i), bytes("v" + i + "-".repeat(i % 30)));
                if (i % 7 == 0) {
                    cache.remove(bytes("k" + (i / 2)));
                }
            }
            cache.set(bytes("ttl"), bytes("later"), Duration.ofHours(1));
            expected.putAll(javaDump(cache));
        }
        assertThat(expected).hasSizeGreaterThan(50).containsEntry(hex("ttl"), hex("later"));
        // test_file => 1: Perl runs _mmc_test_page on every page and wipes any page that fails it.
        List<String> lines = PerlProcess.run(Map.of("FASTMMAP_TEST_FILE", "1"), file, PAGES, PAGE_SIZE, "dump");
        assertThat(parseDump(lines)).isEqualTo(expected);
        assertThat(lines).anyMatch(line -> line.startsWith(hex("ttl") + " ") && !line.endsWith(" 0 0"));
    }

    @Test
    void expiryAndRemovalAreSharedBothWays() {
        Path file = dir.resolve("share");
        try (PerlCache cache = open(file)) {
            cache.set(bytes("now"), bytes("x"), Duration.ZERO); // Perl's set($k, $v, 0): expired at once
            assertThat(cache.get(bytes("now"))).isNull();
            assertThat(PerlProcess.run(file, PAGES, PAGE_SIZE, "get", hex("now"))).containsExactly("MISS");

            cache.set(bytes("gone"), bytes("x"));
            assertThat(PerlProcess.run(file, PAGES, PAGE_SIZE, "remove", hex("gone"))).containsExactly("REMOVED 1");
            assertThat(cache.get(bytes("gone"))).isNull();
            PerlProcess.run(file, PAGES, PAGE_SIZE, "set", hex("p"), hex("q"));
            assertThat(cache.remove(bytes("p"))).isTrue();
            assertThat(cache.remove(bytes("p"))).isFalse();
            assertThat(PerlProcess.run(file, PAGES, PAGE_SIZE, "get", hex("p"))).containsExactly("MISS");

            cache.set(bytes("a"), bytes("1"));
            cache.clear();
            assertThat(perlDump(file)).isEmpty();
        }
    }

    @Test
    void geometryFollowsPerlsSizingRules() {
        long[][] options = { // cache_size, num_pages, page_size (0 = not given)
            {0, 0, 0}, {0, 7, 5000}, {0, 0, 102400}, {1 << 20, 0, 0}, {5 << 20, 0, 0}, {64L << 20, 0, 0},
            {10 << 20, 7, 0}, {100_000, 0, 102400}, {1 << 20, 0, 8192}, {30_000, 0, 0},
        };
        for (long[] o : options) {
            Path scratch = dir.resolve("geometry-" + o[0] + "-" + o[1] + "-" + o[2]);
            String perl = PerlProcess.run(scratch, 0, 0, "geometry", Long.toString(o[0]), Long.toString(o[1]),
                    Long.toString(o[2])).get(0);
            PerlGeometry java = PerlGeometry.fromPerlOptions(o[0], (int) o[1], (int) o[2]);
            assertThat(java.pageCount() + " " + java.pageSize()).as("options %s %s %s", o[0], o[1], o[2])
                    .isEqualTo(perl);
        }
    }

    @Test
    void aFileOfAnotherGeometryIsRefusedNamingBothAndLeftAsItIs() throws Exception {
        Path file = dir.resolve("share");
        PerlProcess.run(file, 5, 8192, "set", hex("k"), hex("v"));
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> open(file)).isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining("5 pages × 8192 bytes").hasMessageContaining("3 pages × 4096 bytes");
        // Same size, other split: 10 × 4096 bytes against 5 × 8192.
        assertThatThrownBy(() -> PerlCache.builder(file).pageCount(10).pageSize(4096).build())
                .isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining("5 pages × 8192 bytes").hasMessageContaining("10 pages × 4096 bytes");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void followsPerlWhenItReplacesTheFile() {
        Path file = dir.resolve("share");
        try (PerlCache cache = PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE)
                .fileCheckInterval(Duration.ZERO).build()) {
            cache.set(bytes("old"), bytes("1"));
            // init_file => 1: Perl deletes the file and creates a new one beside this open mapping.
            assertThat(PerlProcess.run(file, PAGES, PAGE_SIZE, "replace", hex("new"), hex("2")))
                    .containsExactly("REPLACED");
            assertThat(cache.get(bytes("old"))).isNull();
            assertThat(cache.get(bytes("new"))).asString().isEqualTo("2");
            cache.set(bytes("fromJava"), bytes("3"));
            assertThat(PerlProcess.run(file, PAGES, PAGE_SIZE, "get", hex("fromJava")))
                    .containsExactly("VALUE " + hex("3"));
        }
    }

    static Map<String, String> perlDump(Path file) {
        return perlDump(file, PAGES, PAGE_SIZE);
    }

    static Map<String, String> perlDump(Path file, int pages, int pageSize) {
        return parseDump(PerlProcess.run(file, pages, pageSize, "dump"));
    }

    private static Map<String, String> parseDump(List<String> lines) {
        assertThat(lines).last().isEqualTo("END");
        Map<String, String> entries = new TreeMap<>();
        for (String line : lines.subList(0, lines.size() - 1)) {
            String[] fields = line.split(" ");
            entries.put(fields[0], fields[1]);
        }
        return entries;
    }

    static Map<String, String> javaDump(PerlCache cache) {
        Map<String, String> entries = new TreeMap<>();
        List<byte[]> keys = new ArrayList<>();
        cache.keys().forEach(keys::add);
        for (byte[] key : keys) {
            byte[] value = cache.get(key);
            entries.put(HEX.formatHex(key), value == null ? "UNDEF" : HEX.formatHex(value));
        }
        return entries;
    }
}
