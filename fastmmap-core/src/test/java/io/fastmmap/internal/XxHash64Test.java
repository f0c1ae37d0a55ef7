package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reference values from the xxHash project's XXH64; the hash is part of the file format. */
class XxHash64Test {
    private static long hash(String text, long seed) {
        return XxHash64.hash(text.getBytes(StandardCharsets.US_ASCII), seed);
    }

    @Test
    void shouldMatchTheReferenceImplementation() {
        assertThat(hash("", 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(hash("a", 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(hash("abc", 0)).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(hash("Nobody inspects the spammish repetition", 0)).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void shouldCoverEveryTailLength() {
        // Every path through the loop: 32-byte stripes, 8-byte, 4-byte and single-byte tails.
        StringBuilder text = new StringBuilder();
        long previous = 0;
        for (int length = 0; length < 80; length++) {
            long value = hash(text.toString(), 0x1234);
            assertThat(value).isNotEqualTo(previous);
            previous = value;
            text.append((char) ('a' + length % 26));
        }
    }

    @Test
    void theSeedShouldChangeEveryHash() {
        assertThat(hash("session-1", 1)).isNotEqualTo(hash("session-1", 2));
    }
}
