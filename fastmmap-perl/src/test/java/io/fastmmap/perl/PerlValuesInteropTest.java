package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.process.ExternalTool;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link PerlValues} and Perl processes with the same serializer and compressor options read each other's values. */
class PerlValuesInteropTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    private static final int PAGES = 5;
    private static final int PAGE_SIZE = 16384;
    private static final String PERL_VALUE = "{count => 3, list => [1, 'a', undef], text => 'møøse ✓', nested => {}}";

    @TempDir
    Path dir;

    private static Map<String, Object> javaValue() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("count", 3L);
        value.put("list", Arrays.asList(1L, "a", null));
        value.put("text", "møøse ✓");
        value.put("nested", Map.of());
        return value;
    }

    private static List<String> perl(Path file, String serializer, String compressor, String command, String key,
            String expression) {
        return PerlProcess.runScript("typed.pl", file.toString(), "" + PAGES, "" + PAGE_SIZE, serializer, compressor,
                command, key, expression);
    }

    @Test
    void structuredValuesBothWaysForEachSerializerAndCompressor() {
        String[][] options = {{"storable", ""}, {"storable", "zlib"}, {"storable", "lz4"}, {"json", ""},
            {"json", "zlib"}};
        for (String[] o : options) {
            Path file = dir.resolve("share-" + o[0] + "-" + o[1]);
            try (PerlCache cache = PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).build()) {
                PerlValues values = cache.values(PerlSerializer.named(o[0]), PerlCompressor.named(o[1]));
                assertThat(perl(file, o[0], o[1], "set", "fromPerl", PERL_VALUE)).containsExactly("SET 1");
                assertThat(values.get("fromPerl")).as("%s/%s", o[0], o[1]).isEqualTo(javaValue());
                values.set("fromJava", javaValue());
                assertThat(perl(file, o[0], o[1], "check", "fromJava", PERL_VALUE)).as("%s/%s", o[0], o[1])
                        .containsExactly("ok");
                assertThat(perl(file, o[0], o[1], "check", "fromJava", "{count => 4}")).as("the check can fail")
                        .first().asString().startsWith("not ok");
                Object after = values.getAndSet("fromPerl", old -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = new LinkedHashMap<>((Map<String, Object>) old);
                    map.put("count", (Long) map.get("count") + 1);
                    return map;
                });
                assertThat(((Map<?, ?>) after).get("count")).isEqualTo(4L);
                assertThat(perl(file, o[0], o[1], "check", "fromPerl", PERL_VALUE.replace("count => 3", "count => 4")))
                        .containsExactly("ok");
            }
        }
    }

    @Test
    void rawValuesKeepPerlsCharacterStrings() {
        Path file = dir.resolve("raw");
        try (PerlCache cache = PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).build()) {
            PerlValues values = cache.values(PerlSerializer.RAW, PerlCompressor.NONE);
            perl(file, "", "", "set", "text", "'møøse ✓'");
            assertThat(values.get("text")).isEqualTo("møøse ✓");
            values.set("fromJava", "ключ ✓");
            assertThat(perl(file, "", "", "check", "fromJava", "'ключ ✓'")).containsExactly("ok");
            values.set("bytes", new byte[] {(byte) 0xFF, 0});
            assertThat(perl(file, "", "", "check", "bytes", "\"\\xff\\x00\"")).containsExactly("ok");
        }
    }

    @Test
    void rawBytesThroughLz4() {
        // Compress::LZ4 takes bytes only ("Wide character" for a character string), so raw + lz4 carries bytes.
        Path file = dir.resolve("raw-lz4");
        try (PerlCache cache = PerlCache.builder(file).pageCount(PAGES).pageSize(PAGE_SIZE).build()) {
            PerlValues values = cache.values(PerlSerializer.RAW, PerlCompressor.LZ4);
            perl(file, "", "lz4", "set", "text", "'abc' x 100");
            assertThat((byte[]) values.get("text")).asString().isEqualTo("abc".repeat(100));
            values.set("bytes", new byte[] {(byte) 0xFF, 0, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'});
            assertThat(perl(file, "", "lz4", "check", "bytes", "\"\\xff\\x00aaaaaaaa\"")).containsExactly("ok");
        }
    }

    @Test
    void serializersAndCompressorsJavaCannotShareAreClearErrors() {
        assertThatThrownBy(() -> PerlSerializer.named("sereal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sereal' is not supported");
        assertThatThrownBy(() -> PerlCompressor.named("snappy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'snappy' is not supported");
        assertThatThrownBy(() -> PerlSerializer.named("yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storable, json, sereal");
    }
}
