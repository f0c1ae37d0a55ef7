package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.Bytes;
import io.fastmmap.CacheClosedException;
import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify() finds each kind of damage the page format rules out and changes nothing; repair() rebuilds exactly the
 * damaged pages, after which verify() is clean and every intact entry still reads as it was.
 */
class VerifyTest {
    @TempDir
    Path directory;

    private SmallCacheFile cacheFile;

    @BeforeEach
    void createFixture() {
        cacheFile = new SmallCacheFile(directory.resolve("c.fmm"), new Geometry(4096, 4));
    }

    private void fill() {
        cacheFile.fill(30, 50, cache -> {
            cache.remove(Bytes.utf8("k29"));
            cache.set(Bytes.utf8("k28"), Bytes.filled(70, 28));
        });
    }

    /** Damages the closed file, then checks that verify finds it on the right page and repair fixes it. */
    private VerifyReport damageThenVerifyAndRepair(String expectedText, Consumer<RawFile> damage) throws Exception {
        fill();
        int[] damagedPage = {0};
        try (RawFile raw = cacheFile.raw()) {
            damagedPage[0] = raw.pageOf(Bytes.utf8("k3"));
            damage.accept(raw);
        }
        byte[] before = Files.readAllBytes(cacheFile.file);
        VerifyReport found;
        try (FastMmap cache = cacheFile.open()) {
            found = cache.verify();
        }
        assertThat(found.isClean()).as("%s", found).isFalse();
        assertThat(found.pagesChecked()).isEqualTo(cacheFile.geometry.pageCount());
        assertThat(found.findings()).as("%s", found).allSatisfy(finding -> {
            assertThat(finding.pageIndex()).isEqualTo(damagedPage[0]);
            assertThat(finding.repaired()).isFalse();
        });
        assertThat(found.toString()).contains(expectedText);
        assertThat(pagesRegion(Files.readAllBytes(cacheFile.file))).as("verify changes nothing")
                .isEqualTo(pagesRegion(before));

        try (FastMmap cache = cacheFile.open()) {
            VerifyReport repaired = cache.repair();
            assertThat(repaired.findings()).hasSameSizeAs(found.findings())
                    .allSatisfy(finding -> assertThat(finding.repaired()).isTrue());
            assertThat(repaired.unrepaired()).isEmpty();
            VerifyReport again = cache.verify();
            assertThat(again.isClean()).as("%s", again).isTrue();
            for (int i = 0; i < 28; i++) {
                if (i != 3) {
                    assertThat(cache.get(Bytes.utf8("k" + i))).as("k" + i).isEqualTo(Bytes.filled(50, i));
                }
            }
            assertThat(cache.get(Bytes.utf8("k29"))).isNull();
        }
        return found;
    }

    /** The region from the spare table on: everything but the header and the process table (attach writes it). */
    private byte[] pagesRegion(byte[] bytes) {
        FileLayout layout = new FileLayout(cacheFile.geometry);
        byte[] region = java.util.Arrays.copyOfRange(bytes, (int) layout.spareTableOffset(), bytes.length);
        // lock words change (generation counts each lock); blank them
        for (int page = 0; page < cacheFile.geometry.pageCount(); page++) {
            int at = (int) (layout.directoryOffset() - layout.spareTableOffset()) + page * PageDirectory.ENTRY_BYTES;
            java.util.Arrays.fill(region, at, at + 8, (byte) 0);
        }
        return region;
    }

    @Test
    void aFreshAndABusyFileShouldBeClean() {
        fill();
        try (FastMmap cache = cacheFile.open()) {
            VerifyReport report = cache.verify();
            assertThat(report.isClean()).as("%s", report).isTrue();
            assertThat(report.pagesChecked()).isEqualTo(4);
            assertThat(report.file()).isEqualTo(cache.file().toAbsolutePath());
            assertThat(cache.repair().isClean()).isTrue();
        }
    }

    @Test
    void aValueByteFlipShouldBeFoundAsAChecksumFailureAndDroppedByRepair() throws Exception {
        damageThenVerifyAndRepair("fails its checksum", raw -> {
            long at = raw.recordOf(Bytes.utf8("k3")) + PageFormat.RECORD_HEADER_BYTES + 2 + 7;
            raw.memory.putByte(at, (byte) (raw.memory.getByte(at) ^ 0x01));
        });
    }

    @Test
    void wrongCountersShouldBeFoundAndRecomputed() throws Exception {
        damageThenVerifyAndRepair("live entry count", raw -> {
            long base = raw.pageBase(raw.pageOf(Bytes.utf8("k3")));
            raw.memory.putInt(base + PageFormat.LIVE_COUNT_OFFSET,
                    raw.memory.getInt(base + PageFormat.LIVE_COUNT_OFFSET) + 1);
            raw.memory.putInt(base + PageFormat.GARBAGE_BYTES_OFFSET, 12345);
        });
    }

    @Test
    void moreProtectedEvictionsThanEvictionsShouldBeFoundAndCappedByRepair() throws Exception {
        damageThenVerifyAndRepair("protectedEvictionCount 7 is not between 0 and evictionCount 0", raw -> raw.memory
                .putLong(raw.directoryEntry(raw.pageOf(Bytes.utf8("k3")))
                        + PageDirectory.PROTECTED_EVICTION_COUNT_OFFSET, 7));
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.stats().protectedEvictionCount()).isZero();
        }
    }

    @Test
    void aSetInProgressMarkerShouldBeReportedAndRepaired() throws Exception {
        damageThenVerifyAndRepair("in-progress marker", raw -> raw.memory.putInt(
                raw.directoryEntry(raw.pageOf(Bytes.utf8("k3"))) + PageDirectory.OPERATION_OFFSET,
                PageDirectory.OP_INSERT));
    }

    @Test
    void aSlotOutsideTheUsedAreaShouldBeFound() throws Exception {
        damageThenVerifyAndRepair("not an aligned record start", raw -> {
            long slot = raw.slotOf(Bytes.utf8("k3"));
            raw.memory.putLong(slot, PageFormat.slot(PageFormat.slotTag(raw.memory.getLong(slot)), 4000));
        });
    }

    @Test
    void aWrongTagShouldBeFound() throws Exception {
        damageThenVerifyAndRepair("does not match the hash", raw -> {
            long slot = raw.slotOf(Bytes.utf8("k3"));
            long word = raw.memory.getLong(slot);
            raw.memory.putLong(slot, word ^ (1L << 40));
        });
    }

    @Test
    void aSpareOwnedWithoutAChangeInProgressShouldBeFound() throws Exception {
        damageThenVerifyAndRepair("still owned", raw -> {
            long entry = raw.layout.spareTableOffset();
            long word = raw.memory.getLong(entry);
            raw.memory.putLong(entry, SpareTable.word(SpareTable.physicalPage(word), raw.pageOf(Bytes.utf8("k3")) + 1));
        });
    }

    @Test
    void aDuplicateKeyAndOverlappingRecordsShouldBeFound() throws Exception {
        VerifyReport found = damageThenVerifyAndRepair("stored in another slot too", raw -> {
            // a second slot pointing at k3's record: the key appears twice and two records overlap
            int page = raw.pageOf(Bytes.utf8("k3"));
            long base = raw.pageBase(page);
            long slot = raw.slotOf(Bytes.utf8("k3"));
            int slots = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET);
            for (int i = 0; i < slots; i++) {
                long address = base + PageFormat.HEADER_BYTES + 8L * i;
                if (raw.memory.getLong(address) == PageFormat.EMPTY) {
                    raw.memory.putLong(address, raw.memory.getLong(slot));
                    break;
                }
            }
        });
        assertThat(found.toString()).contains("overlap");
    }

    /**
     * Issue 19: verify copied the record of every slot before it reported that records overlap, so a forged page
     * whose slots all name one large record made it allocate the record once per slot (a 65,536-slot page naming a
     * 400 KB record: 26 GB). What verify allocates for a page is bounded by the page now; measured with the JDK's
     * per-thread allocation counter, not timed.
     */
    @Test
    void verifyShouldNotCopyARecordThatEverySlotNames() throws Exception {
        SmallCacheFile onePage = new SmallCacheFile(directory.resolve("forged.fmm"), new Geometry(256 * 1024, 1));
        byte[] key = Bytes.utf8("big");
        onePage.fill(0, 0, cache -> cache.set(key, Bytes.filled(200 * 1024, 9)));
        int slots;
        try (RawFile raw = onePage.raw()) {
            long base = raw.pageBase(0);
            long word = raw.memory.getLong(raw.slotOf(key));
            slots = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET);
            for (int i = 0; i < slots; i++) {
                raw.memory.putLong(base + PageFormat.HEADER_BYTES + 8L * i, word);
            }
        }
        try (FastMmap cache = onePage.open()) {
            cache.verify(); // loads and warms what verify uses, so the measured call allocates only its own work
            long before = allocatedByThisThread();
            VerifyReport report = cache.verify();
            long allocated = allocatedByThisThread() - before;
            System.out.println("VerifyTest: " + slots + " slots naming one 200 KiB record: verify allocated "
                    + allocated + " bytes");
            assertThat(report.toString()).contains("overlap").contains("stored in another slot too");
            assertThat(allocated).as("bytes verify allocated for one %d-byte page", 256 * 1024)
                    .isLessThan(4L * 256 * 1024);
        }
    }

    /** Through reflection: the test module does not read java.management, and reflection needs no read edge. */
    private static long allocatedByThisThread() throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                .invoke(threads);
    }

    @Test
    void headerDamageAfterOpeningShouldBeReportedAsUnrepairable() throws Exception {
        fill();
        try (FastMmap cache = cacheFile.open()) {
            try (RawFile raw = cacheFile.raw()) { // shares the page cache with the cache's mapping
                raw.memory.putInt(FileHeader.PAGE_COUNT_OFFSET, 5);
            }
            VerifyReport repaired = cache.repair();
            assertThat(repaired.unrepaired()).isNotEmpty().allSatisfy(finding -> assertThat(finding.pageIndex())
                    .isEqualTo(VerifyReport.FILE_LEVEL));
            assertThat(repaired.toString()).contains("pageCount is 5, expected 4").contains("recreate(true)");
        }
    }

    @Test
    void aClosedCacheShouldRefuseToVerify() {
        fill();
        FastMmap cache = cacheFile.open();
        cache.close();
        assertThatThrownBy(cache::verify).isInstanceOf(CacheClosedException.class);
        assertThatThrownBy(cache::repair).isInstanceOf(CacheClosedException.class);
    }

    @Test
    void verifyingWhileOtherThreadsWriteShouldFindNothing() throws Exception {
        fill();
        try (FastMmap cache = cacheFile.open()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int seed = t;
                Thread writer = new Thread(() -> {
                    Random random = new Random(seed);
                    try {
                        while (!stop.get()) {
                            byte[] key = Bytes.utf8("t" + random.nextInt(200));
                            switch (random.nextInt(4)) {
                                case 0 -> cache.remove(key);
                                case 1 -> cache.getAndSet(key, old -> Bytes.filled(random.nextInt(300), seed));
                                default -> cache.set(key, Bytes.filled(random.nextInt(600), seed));
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                writer.start();
                writers.add(writer);
            }
            try {
                for (int round = 0; round < 200; round++) {
                    VerifyReport report = cache.verify();
                    assertThat(report.isClean()).as("round %d: %s", round, report).isTrue();
                }
            } finally {
                stop.set(true);
                for (Thread writer : writers) {
                    writer.join();
                }
            }
            assertThat(failure.get()).isNull();
            assertThat(cache.stats().evictionCount()).as("the load compacted and evicted").isPositive();
        }
    }
}
