package io.fastmmap.internal.codec;

import static io.fastmmap.internal.codec.PlainDataAssert.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked example of the plain-data encoding in docs/file-format.md (section 13.3) is what the codec writes, byte
 * for byte, and reads back: the document is the format's specification, so it must not drift from the code.
 */
class PlainDataFormatExampleTest {
    private static final String DUMP = """
            0000: 01 0e 07 0b 04 75 73 65 72 0b 03 61 6e 6e 0b 06
            0010: 76 69 73 69 74 73 05 06 0b 05 61 64 6d 69 6e 01
            0020: 0b 05 72 6f 6c 65 73 0d 02 0b 01 61 0b 02 c3 a9
            0030: 0b 05 70 72 69 63 65 08 40 13 f5 c2 8f 5c 28 f6
            0040: 0b 02 69 64 06 03 0b 04 6e 6f 74 65 00
            """;

    private static Map<String, Object> example() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("user", "ann");
        map.put("visits", 3);
        map.put("admin", false);
        map.put("roles", List.of("a", "é"));
        map.put("price", 4.99);
        map.put("id", -2L);
        map.put("note", null);
        return map;
    }

    private static byte[] bytesOf(String dump) {
        StringBuilder hex = new StringBuilder();
        dump.lines().forEach(line -> hex.append(line.substring(line.indexOf(':') + 1).replace(" ", "")));
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void theCodecWritesTheDocumentedBytesAndReadsThemBack() {
        byte[] written = Codec.plainDataMap().encode(example());
        assertThat(HexFormat.of().formatHex(written)).isEqualTo(HexFormat.of().formatHex(bytesOf(DUMP)));
        assertSameData(Codec.plainDataMap().decode(bytesOf(DUMP)), example());
        assertSameData(Codec.plainData().decode(bytesOf(DUMP)), example());
    }

    @Test
    void theDocumentShowsThisDump() throws IOException {
        Path doc = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && doc == null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/file-format.md");
            doc = Files.isRegularFile(candidate) ? candidate : null;
        }
        assertThat(doc).as("docs/file-format.md above " + Path.of("").toAbsolutePath()).isNotNull();
        assertThat(Files.readString(doc)).contains("## 13. Value encoding: plain data").contains(DUMP);
        assertThat(PlainDataCodec.VERSION).isEqualTo((byte) 1);
        assertThat(PlainDataCodec.LAST_TAG).as("the doc's tag table ends at 0x0E").isEqualTo((byte) 0x0E);
    }
}
