package io.fastmmap.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link DecodedSessions} evicts by the stored bytes it holds, and its count bound still holds through the weight. */
class DecodedSessionsTest {
    private static final long MAX_BYTES = 64 << 10;

    private static SessionRecord recordOf(int attributeBytes) {
        return SessionRecord.of(1, 2, 3, null, Map.of("a", new byte[attributeBytes]));
    }

    private static String id(int i) {
        return String.format("%040x", i);
    }

    private static void put(DecodedSessions sessions, int i, SessionRecord record) {
        sessions.put(id(i), id(i).getBytes(StandardCharsets.US_ASCII), record);
        sessions.cleanUp();
    }

    @Test
    void manySmallSessionsStayWhereFewLargeOnesAreEvicted() {
        DecodedSessions sessions = new DecodedSessions(10_000, MAX_BYTES);
        SessionRecord small = recordOf(10);
        for (int i = 0; i < 500; i++) {
            put(sessions, i, small);
        }
        // 500 records of ~50 bytes weigh ~25 KiB: all are kept, the count bound (10,000) is far away
        assertThat(sessions.size()).isEqualTo(500);

        DecodedSessions large = new DecodedSessions(10_000, MAX_BYTES);
        SessionRecord big = recordOf((int) (MAX_BYTES / 16) - 100);
        for (int i = 0; i < 100; i++) {
            put(large, i, big);
            assertThat(large.byteCount()).isLessThanOrEqualTo(MAX_BYTES);
        }
        // 4 KiB records: at most 16 fit in 64 KiB, however many the count bound allows
        assertThat(large.size()).isBetween(1, 16);
        assertThat(large.byteCount()).isGreaterThan(MAX_BYTES / 2);
    }

    @Test
    void aSessionInUseOutlivesAFloodOfOneOffSessions() {
        DecodedSessions sessions = new DecodedSessions(16, MAX_BYTES);
        SessionRecord record = recordOf(10);
        put(sessions, 0, record);
        for (int i = 1; i <= 2000; i++) {
            assertThat(sessions.entry(id(0))).as("the session in use, after %d others", i - 1).isNotNull();
            put(sessions, i, record); // a one-off visitor (a crawler, a health check without cookies)
        }
    }

    @Test
    void theCountBoundHoldsThroughTheLeastWeight() {
        DecodedSessions sessions = new DecodedSessions(8, MAX_BYTES);
        SessionRecord small = recordOf(10);
        for (int i = 0; i < 100; i++) {
            put(sessions, i, small);
            assertThat(sessions.size()).isBetween(1, 8);
        }
    }

    @Test
    void aSessionAboveASixteenthOfTheBoundIsNotKeptAndZeroKeepsNone() {
        DecodedSessions sessions = new DecodedSessions(100, MAX_BYTES);
        put(sessions, 1, recordOf((int) (MAX_BYTES / 16)));
        assertThat(sessions.size()).isZero();
        assertThat(sessions.entry(id(1))).isNull();

        DecodedSessions off = new DecodedSessions(0, MAX_BYTES);
        put(off, 1, recordOf(10));
        assertThat(off.entry(id(1))).isNull();
        assertThat(off.size()).isZero();
    }

    @Test
    void aFoundEntryMatchesOnlyItsOwnBytes() {
        DecodedSessions sessions = new DecodedSessions(100, MAX_BYTES);
        SessionRecord record = recordOf(10);
        put(sessions, 1, record);
        assertThat(sessions.find(id(1), record.bytes().clone())).isSameAs(record);
        assertThat(sessions.find(id(1), recordOf(11).bytes())).isNull();
        sessions.remove(id(1));
        assertThat(sessions.find(id(1), record.bytes())).isNull();
        assertThat(sessions.byteCount()).isZero();
    }
}
