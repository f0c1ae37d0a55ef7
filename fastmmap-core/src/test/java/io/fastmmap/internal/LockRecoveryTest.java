package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process checks of the takeover path: a lock word and in-progress marker left as a dead process would leave
 * them. (Real killed processes are covered by the tests in io.fastmmap.process.)
 */
class LockRecoveryTest {
    @TempDir
    Path directory;

    private final Geometry geometry = new Geometry(4096, 2);

    @Test
    void aLockHeldByADeadSlotShouldBeTakenOverAndThePageRepaired() throws Exception {
        Path file = directory.resolve("c.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
            for (int i = 0; i < 10; i++) {
                cache.set(Bytes.utf8("k" + i), Bytes.filled(40, i));
            }
        }
        int page;
        try (RawFile raw = new RawFile(file, geometry)) {
            page = raw.pageOf(Bytes.utf8("k1"));
            long entry = raw.directoryEntry(page);
            long word = raw.memory.getLong(entry + PageDirectory.LOCK_WORD_OFFSET);
            // nobody has slot 777
            raw.memory.putLong(entry + PageDirectory.LOCK_WORD_OFFSET, PageDirectory.heldBy(word, 777));
            raw.memory.putInt(entry + PageDirectory.OPERATION_OFFSET, PageDirectory.OP_INSERT);
            // a half-written record in free space, as a writer killed before publishing it leaves
            long base = raw.pageBase(page);
            int free = raw.memory.getInt(base + PageFormat.FREE_OFFSET);
            raw.memory.putInt(base + free + PageFormat.VALUE_LENGTH_OFFSET, 99);
        }
        try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
            long start = System.nanoTime();
            assertThat(cache.get(Bytes.utf8("k1"))).isEqualTo(Bytes.filled(40, 1));
            assertThat(System.nanoTime() - start).as("recovered well under a second").isLessThan(1_000_000_000L);
            for (int i = 0; i < 10; i++) {
                assertThat(cache.get(Bytes.utf8("k" + i))).isEqualTo(Bytes.filled(40, i));
            }
            assertThat(cache.stats().lockRecoveryCount()).isEqualTo(1);
            assertThat(cache.stats().pageRepairCount()).isEqualTo(1);
        }
    }

    @Test
    void aCompactionInterruptedAfterItsCommitShouldReturnTheOldPageToTheSparePool() throws Exception {
        Path file = directory.resolve("c.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
            cache.set(Bytes.utf8("a"), Bytes.utf8("1"));
        }
        try (RawFile raw = new RawFile(file, geometry)) {
            int page = raw.pageOf(Bytes.utf8("a"));
            long entry = raw.directoryEntry(page);
            int old = raw.memory.getInt(entry + PageDirectory.PHYSICAL_PAGE_OFFSET);
            long spareEntry = raw.layout.spareTableOffset();
            int spare = SpareTable.physicalPage(raw.memory.getLong(spareEntry));
            // Simulate steps 1-3 of a compaction: spare owned by the page, image copied, directory switched.
            raw.memory.putLong(spareEntry, SpareTable.word(spare, page + 1));
            long from = raw.layout.physicalPageOffset(old);
            long to = raw.layout.physicalPageOffset(spare);
            for (int i = 0; i < 4096; i += 8) {
                raw.memory.putLong(to + i, raw.memory.getLong(from + i));
            }
            raw.memory.putInt(to + PageFormat.PREVIOUS_PHYSICAL_OFFSET, old);
            raw.memory.putInt(entry + PageDirectory.PHYSICAL_PAGE_OFFSET, spare);
            raw.memory.putInt(entry + PageDirectory.OPERATION_OFFSET, PageDirectory.OP_COMPACT);
        }
        try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
            assertThat(cache.get(Bytes.utf8("a"))).isEqualTo(Bytes.utf8("1"));
        }
        try (RawFile raw = new RawFile(file, geometry)) {
            int[] seen = new int[geometry.physicalPageCount()];
            for (int page = 0; page < 2; page++) {
                seen[raw.memory.getInt(raw.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET)]++;
            }
            for (int i = 0; i < geometry.spareCount(); i++) {
                long word = raw.memory.getLong(raw.layout.spareTableOffset() + 8L * i);
                assertThat(SpareTable.owner(word)).isZero();
                seen[SpareTable.physicalPage(word)]++;
            }
            assertThat(seen).as("every physical page is used exactly once").containsOnly(1);
        }
    }
}
