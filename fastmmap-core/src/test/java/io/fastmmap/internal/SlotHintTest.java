package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PageStore.find} loads a key's first slot where this JVM's hint of the page's slot count says, before the
 * page header with the real count has arrived. Every compaction that resizes the slot table makes the hint stale
 * until the next lookup; a {@code clear()} shrinks the table without any lookup. A stale hint, larger or smaller
 * than the table, must cost one load and change no result.
 */
class SlotHintTest {
    private static final int PAGE_SIZE = 256 * 1024;

    @TempDir
    Path directory;

    @Test
    void lookupsWhileTheHintIsLargerOrSmallerThanTheSlotTableFindExactlyWhatIsStored() {
        Path file = directory.resolve("hint.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(1).pageSize(PAGE_SIZE).build()) {
            Attachment attachment = attach(file);
            try {
                fillAndCheck(cache, "a", 600); // the table grows 8 -> 1024 slots, the hint with it
                assertThat(slotCount(attachment)).isGreaterThanOrEqualTo(1024);

                cache.clear(); // back to the smallest table; the hint still says 1024
                assertThat(slotCount(attachment)).isEqualTo(PageFormat.MIN_SLOT_COUNT);
                for (int i = 0; i < 600; i++) {
                    assertThat(cache.get(key("a", i))).as("cleared key a%d", i).isNull();
                }
                fillAndCheck(cache, "b", 5); // probes of a table of 8 under a hint of 1024, and the other way
                fillAndCheck(cache, "c", 300);
                assertThat(slotCount(attachment)).isGreaterThanOrEqualTo(512);
                for (int i = 0; i < 5; i++) {
                    assertThat(cache.get(key("b", i))).as("key b%d", i).isEqualTo(value("b", i));
                    assertThat(cache.remove(key("b", i))).isTrue();
                    assertThat(cache.exists(key("b", i))).isFalse();
                }
            } finally {
                attachment.release(false);
            }
        }
    }

    private static void fillAndCheck(FastMmap cache, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(cache.get(key(prefix, i))).as("%s%d before it is set", prefix, i).isNull();
            cache.set(key(prefix, i), value(prefix, i));
            assertThat(cache.get(key(prefix, i))).as("%s%d right after it is set", prefix, i)
                    .isEqualTo(value(prefix, i));
        }
        for (int i = 0; i < count; i++) {
            assertThat(cache.exists(key(prefix, i))).as("%s%d exists", prefix, i).isTrue();
            assertThat(cache.get(key(prefix, i))).as("%s%d", prefix, i).isEqualTo(value(prefix, i));
        }
    }

    private static byte[] key(String prefix, int i) {
        return Bytes.utf8(prefix + i);
    }

    private static byte[] value(String prefix, int i) {
        return Bytes.filled(40 + i % 13, i * 31 + prefix.charAt(0));
    }

    /** Joins the attachment the cache has open in this JVM, to read its page's header. */
    private static Attachment attach(Path file) {
        return Attachment.open(new CacheConfig(file, new Geometry(PAGE_SIZE, 1), 0, false, false, Clock.systemUTC(),
                TimeUnit.SECONDS.toNanos(10), EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE)));
    }

    private static int slotCount(Attachment attachment) {
        PageStore store = attachment.store;
        return store.memory().getInt(store.pageBase(0) + PageFormat.SLOT_COUNT_OFFSET);
    }
}
