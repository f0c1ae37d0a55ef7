package io.fastmmap;

import static io.fastmmap.Bytes.text;
import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();

    private FastMmap open() {
        return FastMmap.builder(directory.resolve("cache.fmm")).pageCount(7).pageSize(4096).clock(clock).build();
    }

    @Test
    void shouldStoreManyEntriesThatPlainGetReadsAndReadThemBackInOrder() {
        try (FastMmap cache = open()) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                keys.add(utf8("k" + i));
                values.add(utf8("v" + i));
            }
            cache.multiSet(keys, values);
            for (int i = 0; i < 60; i++) {
                assertThat(text(cache.get(utf8("k" + i)))).isEqualTo("v" + i);
            }
            List<byte[]> asked = List.of(utf8("k5"), utf8("missing"), utf8("k59"), utf8("k5"));
            List<byte[]> got = cache.multiGet(asked);
            assertThat(got).hasSize(4);
            assertThat(text(got.get(0))).isEqualTo("v5");
            assertThat(got.get(1)).isNull();
            assertThat(text(got.get(2))).isEqualTo("v59");
            assertThat(text(got.get(3))).isEqualTo("v5");
        }
    }

    @Test
    void shouldApplyTheTimeToLiveToEveryEntry() {
        try (FastMmap cache = open()) {
            cache.multiSet(List.of(utf8("a"), utf8("b")), List.of(utf8("1"), utf8("2")), Duration.ofSeconds(10));
            assertThat(cache.multiGet(List.of(utf8("a"), utf8("b")))).doesNotContainNull();
            clock.advance(Duration.ofSeconds(10));
            assertThat(cache.multiGet(List.of(utf8("a"), utf8("b")))).containsOnlyNulls();
        }
    }

    @Test
    void shouldStoreNothingWhenOneEntryCanNeverFit() {
        try (FastMmap cache = open()) {
            List<byte[]> keys = List.of(utf8("small"), utf8("huge"));
            assertThatThrownBy(() -> cache.multiSet(keys, List.of(utf8("x"), new byte[5000])))
                    .isInstanceOf(ValueTooLargeException.class).hasMessageContaining("huge");
            assertThat(cache.get(utf8("small"))).isNull();
        }
    }

    @Test
    void shouldRejectMismatchedListsClearly() {
        try (FastMmap cache = open()) {
            assertThatThrownBy(() -> cache.multiSet(List.of(utf8("a")), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 keys but 0 values");
        }
    }
}
