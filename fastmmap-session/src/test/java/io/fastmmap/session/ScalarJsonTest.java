package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Jackson-free scalar path writes and reads exactly what Jackson does, and hands everything else to Jackson. */
class ScalarJsonTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void writesTheBytesJacksonWrites() throws Exception {
        List<Object> values = new ArrayList<>(List.of(0, -1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE, 0L, -3L,
                Long.MAX_VALUE, Long.MIN_VALUE, true, false, "", "abc", "a b/c~{}[]:,", "user-42@example.com"));
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            values.add(random.nextInt());
            values.add(random.nextLong());
            values.add(randomAscii(random));
        }
        for (Object value : values) {
            byte[] fast = ScalarJson.write((byte) 'J', value);
            assertThat(fast).as("%s", value).isNotNull();
            assertThat(new String(fast, 1, fast.length - 1, StandardCharsets.UTF_8)).as("%s", value)
                    .isEqualTo(JACKSON.writeValueAsString(value));
            assertThat(fast[0]).isEqualTo((byte) 'J');
        }
    }

    @Test
    void leavesToJacksonWhatItCannotWriteAsIs() {
        for (Object value : List.of("quote\"", "back\\slash", "tab\t", "nul\0", "del\u007f", "møøse", "\ud83d\ude00",
                2.5, List.of(1), (short) 3)) {
            assertThat(ScalarJson.write((byte) 'J', value)).as("%s", value).isNull();
        }
    }

    @Test
    void readsWhatJacksonReadsOrLeavesItToJackson() throws Exception {
        List<String> bodies = new ArrayList<>(List.of("0", "-0", "7", "-12", "123456789", "1234567890", "05", "-",
                "", "true", "false", "tru", "falsey", "null", "\"\"", "\"abc\"", "\"a\\\"b\"", "\"møøse\"", "\"",
                "\"open", "1.5", "1e3", " 1", "[1]"));
        Random random = new Random(7);
        for (int i = 0; i < 5000; i++) {
            bodies.add(random.nextBoolean() ? Integer.toString(random.nextInt() >> random.nextInt(32)) : randomJsonish(random));
        }
        int fastCount = 0;
        for (String body : bodies) {
            byte[] tagged = ("J" + body).getBytes(StandardCharsets.UTF_8);
            Object fast = ScalarJson.readAny(tagged);
            if (fast == null) {
                continue;
            }
            fastCount++;
            assertThat(fast).as(body).isEqualTo(JACKSON.readValue(body, Object.class));
            assertThat(fast.getClass()).as(body).isEqualTo(JACKSON.readValue(body, Object.class).getClass());
        }
        assertThat(fastCount).isGreaterThan(2000);
        assertThat(ScalarJson.readAny("J05".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(catchThrowable(() -> JACKSON.readValue("05", Object.class))).isNotNull();
    }

    @Test
    void readsLongsAsJacksonDoes() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            String body = Long.toString(random.nextLong() >> random.nextInt(64));
            Long fast = ScalarJson.readLong(("L" + body).getBytes(StandardCharsets.US_ASCII));
            if (fast != null) {
                assertThat(fast).isEqualTo(JACKSON.readValue(body, Long.class));
            } else {
                assertThat(body.replace("-", "")).hasSizeGreaterThan(18);
            }
        }
        assertThat(ScalarJson.readLong("L".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(ScalarJson.readLong("Lx1".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    private static String randomAscii(Random random) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            char c = (char) (0x20 + random.nextInt(0x5f));
            s.append(c == '"' || c == '\\' ? 'x' : c);
        }
        return s.toString();
    }

    /** Short strings over a JSON-ish alphabet: most are not valid JSON, some are. */
    private static String randomJsonish(Random random) {
        String alphabet = "\"\\-0123456789truefalsn x.e";
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return random.nextBoolean() ? "\"" + s + "\"" : s.toString();
    }
}
