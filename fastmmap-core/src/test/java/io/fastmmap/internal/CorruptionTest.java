package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import io.fastmmap.FastMmapException;
import io.fastmmap.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damage written into a closed cache file is detected when the page is next used: the page is rebuilt from its
 * intact records, damaged values are never served, and nothing but a FastMmapException ever escapes.
 */
class CorruptionTest {
    @TempDir
    Path directory;

    private SmallCacheFile cacheFile;

    @BeforeEach
    void createFixture() {
        cacheFile = new SmallCacheFile(directory.resolve("c.fmm"), new Geometry(4096, 2));
    }

    private void fill() {
        cacheFile.fill(20, 60, cache -> { });
    }

    @Test
    void aFlippedValueByteShouldNeverBeServedAndOtherKeysShouldSurvive() throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            long record = raw.recordOf(Bytes.utf8("k3"));
            long at = record + PageFormat.RECORD_HEADER_BYTES + 2 + 10;
            raw.memory.putByte(at, (byte) (raw.memory.getByte(at) ^ 0x10));
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(Bytes.utf8("k3"))).isNull();
            for (int i = 0; i < 20; i++) {
                if (i != 3) {
                    assertThat(cache.get(Bytes.utf8("k" + i))).as("k" + i).isEqualTo(Bytes.filled(60, i));
                }
            }
            assertThat(cache.stats().pageRepairCount()).isEqualTo(1);
        }
    }

    @Test
    void aSlotPointingOutsideThePageShouldBeRepaired() throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            long slot = raw.slotOf(Bytes.utf8("k5"));
            raw.memory.putLong(slot, PageFormat.slot(PageFormat.slotTag(raw.memory.getLong(slot)), 1 << 30));
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(Bytes.utf8("k5"))).isNull();
            for (int i = 0; i < 20; i++) {
                if (i != 5) {
                    assertThat(cache.get(Bytes.utf8("k" + i))).as("k" + i).isEqualTo(Bytes.filled(60, i));
                }
            }
            cache.set(Bytes.utf8("k5"), Bytes.utf8("back"));
            assertThat(cache.get(Bytes.utf8("k5"))).isEqualTo(Bytes.utf8("back"));
        }
    }

    /**
     * Damage that only the store after the update finds (another key's slot, which the lookup of this key skips for
     * its tag but the compaction of the page checks) makes the engine repair the page and retry; the retry must
     * store what the update decided, not run it again on what may be its own result.
     */
    @Test
    void damageFoundAfterTheUpdateShouldRepairThePageAndStoreTheUpdatesResultWithoutRunningItAgain() throws Exception {
        fill();
        int target = -1;
        try (RawFile raw = cacheFile.raw()) {
            long slot = raw.slotOf(Bytes.utf8("k5"));
            raw.memory.putLong(slot, PageFormat.slot(PageFormat.slotTag(raw.memory.getLong(slot)), 1 << 30));
            for (int i = 0; i < 20 && target < 0; i++) {
                if (i != 5 && raw.pageOf(Bytes.utf8("k" + i)) == raw.pageOf(Bytes.utf8("k5"))) {
                    target = i;
                }
            }
        }
        assertThat(target).as("a key on k5's page").isNotNegative();
        byte[] key = Bytes.utf8("k" + target);
        byte[] big = Bytes.filled(3900, 77); // more than any page has left: the store compacts, and meets the damage
        List<byte[]> seen = new ArrayList<>();
        try (FastMmap cache = cacheFile.open()) {
            byte[] result = cache.getAndSet(key, old -> {
                seen.add(old);
                return big;
            });
            assertThat(seen).as("what the update was given, once").containsExactly(Bytes.filled(60, target));
            assertThat(result).isEqualTo(big);
            assertThat(cache.get(key)).isEqualTo(big);
            assertThat(cache.get(Bytes.utf8("k5"))).isNull();
            assertThat(cache.stats().pageRepairCount()).isEqualTo(1);
        }
    }

    /**
     * Regression (issue 19, item 3): an append rebases the page's clock after its commit when the clock reaches 2^30;
     * the rebase checks every record, and damage in another key's slot made it throw after the commit. The engine
     * repaired the page and ran the step again, and compute's function ran a second time on its own result.
     */
    @Test
    void damageFoundAfterTheCommitShouldNeverRunComputeTwice() throws Exception {
        fill();
        byte[] key = Bytes.utf8("k5");
        try (RawFile raw = cacheFile.raw()) {
            int page = raw.pageOf(key);
            damageAnotherSlotOfThePage(raw, key);
            // The set and the read stay below 2^30; the append of compute's result reaches it.
            raw.memory.putInt(raw.directoryEntry(page) + PageDirectory.ACCESS_CLOCK_OFFSET, (1 << 30) - 3);
        }
        try (FastMmap file = cacheFile.open();
                io.fastmmap.TypedCache<String, String> cache = io.fastmmap.TypedCache
                        .builder(file, io.fastmmap.Codec.utf8(), io.fastmmap.Codec.utf8()).build()) {
            file.set(key, Bytes.utf8("0"));
            List<String> seen = new ArrayList<>();
            String result = cache.compute("k5", (k, old) -> {
                seen.add(old);
                return String.valueOf(Integer.parseInt(old) + 1);
            });
            assertThat(seen).as("what the function was given, once").containsExactly("0");
            assertThat(result).isEqualTo("1");
            assertThat(cache.get("k5")).isEqualTo("1");
        }
    }

    /** The same for damage the store meets before its commit: compute's retry stores what the function decided. */
    @Test
    void damageFoundByTheStoreAfterComputeShouldStoreItsDecisionWithoutRunningItAgain() throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            damageAnotherSlotOfThePage(raw, Bytes.utf8("k5"));
        }
        String big = "x".repeat(3800); // more than the page has left: the store compacts, and meets the damage
        try (FastMmap file = cacheFile.open();
                io.fastmmap.TypedCache<String, String> cache = io.fastmmap.TypedCache
                        .builder(file, io.fastmmap.Codec.utf8(), io.fastmmap.Codec.utf8()).build()) {
            cache.put("k5", "v0");
            List<String> seen = new ArrayList<>();
            assertThat(cache.compute("k5", (k, old) -> {
                seen.add(old);
                return old + big;
            })).isEqualTo("v0" + big);
            assertThat(seen).as("what the function was given, once").containsExactly("v0");
            assertThat(cache.get("k5")).isEqualTo("v0" + big);
            assertThat(file.stats().pageRepairCount()).isEqualTo(1);
        }
    }

    /** Points the slot of another key on {@code key}'s page outside the page; a lookup of {@code key} skips it. */
    private static void damageAnotherSlotOfThePage(RawFile raw, byte[] key) {
        for (int i = 0; i < 20; i++) {
            byte[] other = Bytes.utf8("k" + i);
            if (!java.util.Arrays.equals(other, key) && raw.pageOf(other) == raw.pageOf(key)) {
                long slot = raw.slotOf(other);
                raw.memory.putLong(slot, PageFormat.slot(PageFormat.slotTag(raw.memory.getLong(slot)), 1 << 30));
                return;
            }
        }
        throw new AssertionError("no other key on the page of " + new String(key));
    }

    @Test
    void aRecordLengthRunningPastThePageShouldBeRepaired() throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            raw.memory.putInt(raw.recordOf(Bytes.utf8("k7")) + PageFormat.VALUE_LENGTH_OFFSET, Integer.MAX_VALUE);
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(Bytes.utf8("k7"))).isNull();
            assertThat(cache.get(Bytes.utf8("k8"))).isEqualTo(Bytes.filled(60, 8));
        }
    }

    @Test
    void aGarbagePageHeaderShouldLoseAtMostThatPage() throws Exception {
        fill();
        boolean[] onDamagedPage = new boolean[20];
        try (RawFile raw = cacheFile.raw()) {
            int damagedPage = raw.pageOf(Bytes.utf8("k0"));
            raw.memory.putInt(raw.pageBase(damagedPage) + PageFormat.SLOT_COUNT_OFFSET, 12345);
            for (int i = 0; i < 20; i++) {
                onDamagedPage[i] = raw.pageOf(Bytes.utf8("k" + i)) == damagedPage;
            }
        }
        try (FastMmap cache = cacheFile.open()) {
            for (int i = 0; i < 20; i++) {
                byte[] value = cache.get(Bytes.utf8("k" + i));
                if (onDamagedPage[i]) {
                    assertThat(value).as("k" + i).isNull();
                } else {
                    assertThat(value).as("k" + i).isEqualTo(Bytes.filled(60, i));
                }
            }
            cache.set(Bytes.utf8("k0"), Bytes.utf8("fresh"));
            assertThat(cache.get(Bytes.utf8("k0"))).isEqualTo(Bytes.utf8("fresh"));
        }
    }

    /**
     * Regression (found by BitFlipTest): a free offset moved back over live records (bit 8 flipped) let the next write
     * overwrite them; the directory's check copy now marks the page damaged, and it is repaired before the write.
     */
    @Test
    void aFreeOffsetMovedBackOverLiveRecordsShouldBeRepairedBeforeAWrite() throws Exception {
        fill();
        int page;
        try (RawFile raw = cacheFile.raw()) {
            page = raw.pageOf(Bytes.utf8("k0"));
            long free = raw.pageBase(page) + PageFormat.FREE_OFFSET;
            raw.memory.putInt(free, raw.memory.getInt(free) - 256);
        }
        try (FastMmap cache = cacheFile.open()) {
            for (int i = 0; i < 8; i++) {
                cache.set(Bytes.utf8("new" + i), Bytes.filled(50, 50 + i));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(cache.get(Bytes.utf8("k" + i))).as("k" + i).isEqualTo(Bytes.filled(60, i));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(cache.get(Bytes.utf8("new" + i))).as("new" + i).isEqualTo(Bytes.filled(50, 50 + i));
            }
            assertThat(cache.verify().isClean()).isTrue();
        }
    }

    /**
     * Regression (found by BitFlipTest in CI): a damaged slot that pointed at a superseded record of the same key, still
     * in the page with a valid checksum, served that old value, or brought a removed key back.
     */
    @Test
    void aSlotPointedAtAnOlderRecordOfItsKeyShouldNeverServeTheOldValue() throws Exception {
        fill();
        byte[] replaced = Bytes.utf8("k4");
        byte[] removed = Bytes.utf8("k6");
        long replacedRecord;
        long removedRecord;
        long removedSlot;
        long removedSlotWord;
        try (RawFile raw = cacheFile.raw()) {
            replacedRecord = raw.recordOf(replaced) - raw.pageBase(raw.pageOf(replaced));
            removedRecord = raw.recordOf(removed) - raw.pageBase(raw.pageOf(removed));
            removedSlot = raw.slotOf(removed);
            removedSlotWord = raw.memory.getLong(removedSlot);
        }
        try (FastMmap cache = cacheFile.open()) {
            cache.set(replaced, Bytes.utf8("newer"));
            cache.remove(removed);
        }
        try (RawFile raw = cacheFile.raw()) {
            long slot = raw.slotOf(replaced);
            raw.memory.putLong(slot, PageFormat.slot(PageFormat.slotTag(raw.memory.getLong(slot)), (int) replacedRecord));
            raw.memory.putLong(removedSlot, PageFormat.slot(PageFormat.slotTag(removedSlotWord), (int) removedRecord));
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(replaced)).as("the damaged key is dropped, its old value never served").isNull();
            assertThat(cache.get(removed)).as("a removed key stays removed").isNull();
            assertThat(cache.get(Bytes.utf8("k5"))).isEqualTo(Bytes.filled(60, 5));
        }
    }

    /**
     * Regression (issue 19, item 2): compaction hands the old physical page back to the spares with its records
     * intact, and a page alternates between the same two physical pages, so past the free offset of the current image
     * lie the key's own older records with valid checksums. A slot damaged to name one (one flipped offset bit does
     * it when the offsets differ in one bit) served the old value, and repair() kept it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"get", "repair"})
    void aSlotNamingAnOldRecordPastTheFreeOffsetShouldNeverServeItNorKeepItInRepair(String first) throws Exception {
        SmallCacheFile onePage = new SmallCacheFile(directory.resolve("one.fmm"), new Geometry(4096, 1));
        byte[] key = Bytes.utf8("K");
        try (FastMmap cache = onePage.open()) {
            cache.set(Bytes.utf8("filler"), Bytes.filled(2000, 1)); // puts K's old record far from the data start
            cache.set(key, Bytes.utf8("OLD"));
            cache.clear(); // compacts into the spare, releasing the first physical page with OLD in it
            cache.set(Bytes.utf8("x"), Bytes.utf8("x"));
            cache.clear(); // compacts back into the first physical page
            cache.set(key, Bytes.utf8("NEW"));
        }
        try (RawFile raw = onePage.raw()) {
            long base = raw.pageBase(0);
            int free = raw.memory.getInt(base + PageFormat.FREE_OFFSET);
            int old = offsetOfRecord(raw, base, key, Bytes.utf8("OLD"));
            assertThat(old).as("K's old record, intact past the free offset %d", free).isGreaterThan(free);
            long slot = raw.slotOf(key);
            raw.memory.putLong(slot, PageFormat.slot(PageFormat.slotTag(raw.memory.getLong(slot)), old));
        }
        try (FastMmap cache = onePage.open()) {
            if (first.equals("repair")) {
                assertThat(cache.repair().isClean()).as("repair() finds the damage").isFalse();
            }
            assertThat(cache.get(key)).as("the damaged key is dropped, its old value never served").isNull();
            assertThat(cache.verify().isClean()).isTrue();
        }
    }

    /**
     * Regression (issue 19, item 2, found by BitFlipTest once its pages went through compactions): a directory entry
     * damaged to name the physical page its last compaction released served that whole older image, and repair kept
     * it. Now the released page names no logical page, and repair finds the page's own image again.
     */
    @Test
    void aDirectoryEntryNamingTheReleasedPhysicalPageShouldNeverServeTheOlderImage() throws Exception {
        SmallCacheFile onePage = new SmallCacheFile(directory.resolve("one.fmm"), new Geometry(4096, 1));
        byte[] key = Bytes.utf8("K");
        try (FastMmap cache = onePage.open()) {
            cache.set(key, Bytes.utf8("OLD"));
            cache.set(Bytes.utf8("gone"), Bytes.utf8("removed since"));
            cache.clear();
            cache.set(key, Bytes.utf8("NEW"));
        }
        try (RawFile raw = onePage.raw()) {
            int released = SpareTable.physicalPage(raw.memory.getLong(raw.layout.spareTableOffset()));
            raw.memory.putInt(raw.directoryEntry(0) + PageDirectory.PHYSICAL_PAGE_OFFSET, released);
        }
        try (FastMmap cache = onePage.open()) {
            assertThat(cache.get(Bytes.utf8("gone"))).as("a key removed since stays removed").isNull();
            assertThat(cache.get(key)).as("the page's own image is found again").isEqualTo(Bytes.utf8("NEW"));
            assertThat(cache.verify().isClean()).isTrue();
        }
    }

    /**
     * Regression (issue 19, item 6): a forged page whose slots all name one record. Iteration copied that record once
     * per slot (a forged 1 MiB page of 65,536 slots naming a 400 KB record ran out of memory) and handed the same
     * entry out again and again; a compaction carried it over once per slot. Now records sharing bytes are damage,
     * found before anything is copied, and the page is repaired, the record kept once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iteration", "compaction"})
    void slotsThatAllNameOneRecordShouldBeRefusedBeforeTheRecordIsCopied(String path) throws Exception {
        fill();
        byte[] key = Bytes.utf8("k3");
        byte[] other = null;
        try (RawFile raw = cacheFile.raw()) {
            int page = raw.pageOf(key);
            for (int i = 0; other == null || raw.pageOf(other) != page; i++) {
                other = Bytes.utf8("other" + i);
            }
            long base = raw.pageBase(page);
            long word = raw.memory.getLong(raw.slotOf(key));
            int slots = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET);
            for (int i = 0; i < slots; i++) {
                raw.memory.putLong(base + PageFormat.HEADER_BYTES + 8L * i, word);
            }
        }
        try (FastMmap cache = cacheFile.open()) {
            if (path.equals("iteration")) {
                List<String> seen = new ArrayList<>();
                for (io.fastmmap.CacheEntry entry : cache.entriesWithValues()) {
                    seen.add(new String(entry.key(), java.nio.charset.StandardCharsets.UTF_8));
                }
                assertThat(seen).as("every key once").doesNotHaveDuplicates().contains("k3");
            } else {
                cache.set(other, Bytes.filled(100, 1)); // every slot is taken: the page compacts
                assertThat(cache.get(other)).isEqualTo(Bytes.filled(100, 1));
            }
            assertThat(cache.get(key)).isEqualTo(Bytes.filled(60, 3));
            assertThat(cache.stats().pageRepairCount()).isEqualTo(1);
            assertThat(cache.verify().isClean()).isTrue();
        }
    }

    /** @return the page offset of the record of {@code key} holding {@code value}, found by scanning the data area */
    private static int offsetOfRecord(RawFile raw, long base, byte[] key, byte[] value) {
        int pageSize = raw.layout.geometry().pageSizeBytes();
        for (int at = PageFormat.dataStart(PageFormat.MIN_SLOT_COUNT); at + PageFormat.RECORD_HEADER_BYTES
                + key.length + value.length <= pageSize; at += PageFormat.RECORD_ALIGNMENT) {
            long record = base + at;
            if (raw.memory.getShort(record + PageFormat.KEY_LENGTH_OFFSET) == key.length
                    && raw.memory.getInt(record + PageFormat.VALUE_LENGTH_OFFSET) == value.length
                    && raw.memory.equalsArray(record + PageFormat.RECORD_HEADER_BYTES, key)
                    && raw.memory.equalsArray(record + PageFormat.RECORD_HEADER_BYTES + key.length, value)) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Regression (fuzzing campaign, input crash-b4a57f07): a slot moved past an empty slot is one no lookup reaches,
     * so its key reads absent and a remove finds nothing; repair, or the next compaction, re-homed it and the
     * removed key came back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"repair", "compaction"})
    void aKeyNoLookupCanReachShouldStayAbsentAfterTheNextRebuild(String rebuild) throws Exception {
        fill();
        byte[] hidden = Bytes.utf8("k7");
        byte[] neighbour = null;
        try (RawFile raw = cacheFile.raw()) {
            moveSlotPastAnEmptySlot(raw, hidden);
            // Not a fixture key: with one (k5, in 1 seed of 64) the check of k5 below read the neighbour's value.
            for (int i = 0; neighbour == null || raw.pageOf(neighbour) != raw.pageOf(hidden); i++) {
                neighbour = Bytes.utf8("neighbour" + i);
            }
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(hidden)).as("unreachable").isNull();
            assertThat(cache.remove(hidden)).isFalse();
            if (rebuild.equals("repair")) {
                cache.repair();
            } else {
                for (int i = 0; i < 10; i++) { // 10 KiB through a 4 KiB page: compactions that evict nothing
                    cache.set(neighbour, Bytes.filled(1000, i));
                }
                assertThat(cache.stats().evictionCount()).isZero();
            }
            assertThat(cache.get(hidden)).as("a removed key stays removed after the %s", rebuild).isNull();
            assertThat(cache.get(Bytes.utf8("k5"))).isEqualTo(Bytes.filled(60, 5));
        }
    }

    /**
     * Regression (BitFlipTest in CI): one flipped bit turned a tombstone (then 1) into an empty slot, or a record's
     * power-of-two offset into 0: either ended probes early, so the key behind it read absent, its remove found
     * nothing, and it came back once a new key was stored in that slot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tombstone bit 0", "tombstone bit 1", "tombstone bit 2", "tombstone tag bit",
            "record offset 1024 lost its bit"})
    void aDamagedSlotInFrontOfAKeyShouldNeitherHideItNorBringItBackAfterItsRemove(String damage) throws Exception {
        fill();
        byte[] behind;
        byte[] filler = null;
        try (RawFile raw = cacheFile.raw()) {
            behind = keyWithAnEmptySlotAfterItsHome(raw);
            long base = raw.pageBase(raw.pageOf(behind));
            int mask = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET) - 1;
            long home = raw.slotOf(behind);
            raw.memory.putLong(home + PageFormat.SLOT_BYTES, raw.memory.getLong(home)); // the key moves one on ...
            raw.memory.putLong(home, switch (damage) { // ... behind the damaged slot that took its place
                case "record offset 1024 lost its bit" -> PageFormat.slot(0x5eed1e55, 0);
                case "tombstone tag bit" -> PageFormat.TOMBSTONE ^ (1L << 40);
                default -> PageFormat.TOMBSTONE ^ (1L << (damage.charAt(damage.length() - 1) - '0'));
            });
            int homeIndex = (int) (home - base - PageFormat.HEADER_BYTES) / PageFormat.SLOT_BYTES;
            for (int i = 0; filler == null; i++) {
                byte[] candidate = Bytes.utf8("filler" + i);
                if (raw.pageOf(candidate) == raw.pageOf(behind) && ((int) raw.hash(candidate) & mask) == homeIndex) {
                    filler = candidate;
                }
            }
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.remove(behind)).as("the key behind the damaged slot is found and removed").isTrue();
            cache.set(filler, Bytes.utf8("fills the damaged slot's place"));
            assertThat(cache.get(behind)).as("a removed key stays removed").isNull();
            assertThat(cache.get(filler)).isEqualTo(Bytes.utf8("fills the damaged slot's place"));
            cache.repair();
            assertThat(cache.verify().isClean()).isTrue();
            assertThat(cache.get(behind)).as("a removed key stays removed after repair").isNull();
            for (int i = 0; i < 20; i++) {
                byte[] key = Bytes.utf8("k" + i);
                if (!java.util.Arrays.equals(key, behind)) {
                    assertThat(cache.get(key)).as("k%d", i).isEqualTo(Bytes.filled(60, i));
                }
            }
        }
    }

    /** @return a key of the fixture stored in its home slot, with the slot after it empty */
    private static byte[] keyWithAnEmptySlotAfterItsHome(RawFile raw) {
        for (int i = 0; i < 20; i++) {
            byte[] key = Bytes.utf8("k" + i);
            long base = raw.pageBase(raw.pageOf(key));
            int mask = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET) - 1;
            int home = (int) raw.hash(key) & mask;
            long slot = raw.slotOf(key);
            if (slot == base + PageFormat.HEADER_BYTES + (long) home * PageFormat.SLOT_BYTES && home < mask
                    && raw.memory.getLong(slot + PageFormat.SLOT_BYTES) == PageFormat.EMPTY) {
                return key;
            }
        }
        throw new AssertionError("no key of the fixture sits in its home slot before an empty one");
    }

    private static void moveSlotPastAnEmptySlot(RawFile raw, byte[] key) {
        long base = raw.pageBase(raw.pageOf(key));
        int mask = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET) - 1;
        long slot = raw.slotOf(key);
        int index = (int) (slot - base - PageFormat.HEADER_BYTES) / PageFormat.SLOT_BYTES;
        for (int target = (index + 2) & mask; ; target = (target + 1) & mask) {
            long before = base + PageFormat.HEADER_BYTES + (long) ((target - 1) & mask) * PageFormat.SLOT_BYTES;
            long at = base + PageFormat.HEADER_BYTES + (long) target * PageFormat.SLOT_BYTES;
            if (raw.memory.getLong(before) == PageFormat.EMPTY && raw.memory.getLong(at) == PageFormat.EMPTY) {
                raw.memory.putLong(at, raw.memory.getLong(slot));
                raw.memory.putLong(slot, PageFormat.EMPTY);
                return;
            }
        }
    }

    /** Regression (found by BitFlipTest): the write went to the unaligned offset and was dropped by the next repair. */
    @Test
    void anUnalignedFreeOffsetShouldBeRepairedBeforeAWriteSoTheWriteIsKept() throws Exception {
        fill();
        int page;
        try (RawFile raw = cacheFile.raw()) {
            page = raw.pageOf(Bytes.utf8("k1"));
            long free = raw.pageBase(page) + PageFormat.FREE_OFFSET;
            raw.memory.putInt(free, raw.memory.getInt(free) + 1);
        }
        try (FastMmap cache = cacheFile.open()) {
            for (int i = 0; i < 40; i++) {
                byte[] key = Bytes.utf8("new" + i);
                cache.set(key, Bytes.filled(10, i));
                assertThat(cache.get(key)).as("new%d, just written", i).isEqualTo(Bytes.filled(10, i));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(cache.get(Bytes.utf8("new" + i))).as("new%d", i).isEqualTo(Bytes.filled(10, i));
            }
            assertThat(cache.verify().isClean()).isTrue();
        }
    }

    /**
     * Found by the fuzzing campaign (FileFuzzTest's input crash-6aeb09aa...): a free spare entry naming a live page's
     * physical page made the page's next repair start it afresh, losing a write acknowledged after the file was
     * opened.
     */
    @Test
    void aFreeSpareEntryNamingALivePageShouldNotMakeItsRepairDropItsEntries() throws Exception {
        List<List<String>> keys = damageTheSpareTheOtherPageTakesFirst();
        try (FastMmap cache = cacheFile.open()) {
            cache.set(Bytes.utf8(keys.get(0).get(0)), Bytes.filled(70, 70)); // acknowledged after the damage
            assertThat(cache.repair().unrepaired()).as("repair").isEmpty();
            checkEntries(cache, keys.get(0), List.of());
        }
    }

    /** The same damage must not let another page's compaction overwrite the live page. */
    @Test
    void aFreeSpareEntryNamingALivePageShouldNotLetAnotherPageCompactOverIt() throws Exception {
        List<List<String>> keys = damageTheSpareTheOtherPageTakesFirst();
        try (FastMmap cache = cacheFile.open()) {
            cache.set(Bytes.utf8(keys.get(0).get(0)), Bytes.filled(70, 70));
            for (int round = 0; round < 8; round++) { // compacts the other page into a spare
                cache.set(Bytes.utf8(keys.get(1).get(0)), Bytes.filled(900, round));
            }
            assertThat(cache.repair().unrepaired()).as("repair").isEmpty();
            checkEntries(cache, keys.get(0), keys.get(1));
        }
    }

    /** @return the keys of page(k1), then those of the other page */
    private List<List<String>> damageTheSpareTheOtherPageTakesFirst() throws Exception {
        fill();
        List<String> ours = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        try (RawFile raw = cacheFile.raw()) {
            int page = raw.pageOf(Bytes.utf8("k1"));
            for (int i = 0; i < 20; i++) {
                (raw.pageOf(Bytes.utf8("k" + i)) == page ? ours : theirs).add("k" + i);
            }
            int physical = raw.memory.getInt(raw.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
            int spare = (1 - page) % cacheFile.geometry.spareCount(); // compaction tries its own page's index first
            raw.memory.putLong(new FileLayout(cacheFile.geometry).spareTableOffset() + (long) spare * SpareTable.ENTRY_BYTES,
                    SpareTable.word(physical, 0));
        }
        return List.of(ours, theirs);
    }

    private static void checkEntries(FastMmap cache, List<String> ours, List<String> theirs) {
        assertThat(cache.get(Bytes.utf8(ours.get(0)))).isEqualTo(Bytes.filled(70, 70));
        for (String key : ours.subList(1, ours.size())) {
            assertThat(cache.get(Bytes.utf8(key))).as(key).isEqualTo(Bytes.filled(60, valueIndex(key)));
        }
        if (!theirs.isEmpty()) {
            assertThat(cache.get(Bytes.utf8(theirs.get(0)))).isEqualTo(Bytes.filled(900, 7));
        }
        assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
    }

    private static int valueIndex(String key) {
        return Integer.parseInt(key.substring(1));
    }

    /**
     * Regression (fuzzing campaign, input timeout-1ee5035e): spare entries owned by a page that does not exist, or
     * by the compacting page itself, and naming a page out of range, were never released, so every compaction
     * waited its whole lock timeout and failed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"no page", "the page itself"})
    void spareEntriesOwnedByNoOtherPageShouldBeFreedForTheNextCompaction(String owner) throws Exception {
        fill();
        byte[] key = Bytes.utf8("k1");
        try (RawFile raw = cacheFile.raw()) {
            int ownerPlusOne = owner.equals("no page") ? 1 << 22 : raw.pageOf(key) + 1;
            for (int spare = 0; spare < cacheFile.geometry.spareCount(); spare++) {
                raw.memory.putLong(raw.layout.spareTableOffset() + (long) spare * SpareTable.ENTRY_BYTES,
                        SpareTable.word(22 + spare, ownerPlusOne));
            }
        }
        try (FastMmap cache = FastMmap.builder(cacheFile.file).pageCount(cacheFile.geometry.pageCount())
                .pageSize(cacheFile.geometry.pageSizeBytes()).lockTimeout(Duration.ofSeconds(2)).build()) {
            for (int round = 0; round < 8; round++) { // each round compacts the page
                cache.set(key, Bytes.filled(1500, round));
            }
            assertThat(cache.get(key)).isEqualTo(Bytes.filled(1500, 7));
            assertThat(cache.get(Bytes.utf8("k2"))).isEqualTo(Bytes.filled(60, 2));
            assertThat(cache.repair().unrepaired()).isEmpty();
            assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
        }
    }

    /**
     * Regression (fuzzing campaign in CI, input crash-5eede662): another page's directory entry and the spare
     * entries it owns all naming a physical page out of range; settling that page's spares, to free one for this
     * page's compaction, read the header of that page outside the file.
     */
    @Test
    void anotherPagesSparesAndDirectoryNamingAPageOutOfRangeShouldNotStopThisPagesCompaction() throws Exception {
        fill();
        byte[] key = Bytes.utf8("k1");
        try (RawFile raw = cacheFile.raw()) {
            int other = 1 - raw.pageOf(key);
            raw.memory.putInt(raw.directoryEntry(other) + PageDirectory.PHYSICAL_PAGE_OFFSET, 22);
            for (int spare = 0; spare < cacheFile.geometry.spareCount(); spare++) {
                raw.memory.putLong(raw.layout.spareTableOffset() + (long) spare * SpareTable.ENTRY_BYTES,
                        SpareTable.word(22, other + 1));
            }
        }
        try (FastMmap cache = cacheFile.open()) {
            for (int round = 0; round < 8; round++) { // each round compacts the page
                cache.set(key, Bytes.filled(1500, round));
            }
            assertThat(cache.get(key)).isEqualTo(Bytes.filled(1500, 7));
            assertThat(cache.repair().unrepaired()).isEmpty();
            assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
        }
    }

    /**
     * A free spare entry naming the compacting page's own physical page: compaction builds the new image in a page
     * nothing names instead (it used to refuse the write with "the file is damaged: recreate it"). The fuzzing
     * campaign's input crash-829164b2... (two entries naming one page) is the same class: a spare must be checked
     * after it is taken, and replaced when another page or entry names it.
     */
    @Test
    void aFreeSpareEntryNamingTheCompactingPageItselfShouldBeReplacedNotRefused() throws Exception {
        fill();
        String key = "k1";
        try (RawFile raw = cacheFile.raw()) {
            int page = raw.pageOf(Bytes.utf8(key));
            int physical = raw.memory.getInt(raw.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
            int firstTried = page % cacheFile.geometry.spareCount();
            raw.memory.putLong(raw.layout.spareTableOffset() + (long) firstTried * SpareTable.ENTRY_BYTES,
                    SpareTable.word(physical, 0));
        }
        try (FastMmap cache = cacheFile.open()) {
            for (int round = 0; round < 8; round++) { // each round compacts the page
                cache.set(Bytes.utf8(key), Bytes.filled(1500, round));
            }
            assertThat(cache.get(Bytes.utf8(key))).isEqualTo(Bytes.filled(1500, 7));
            assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
        }
    }

    /**
     * Found by the fuzzing campaign (inputs crash-7b85a50a... and crash-c7c68481...): a spare entry owned by a page
     * that does not exist, or by the other (idle) page, named a live page's physical page, so the page's next repair
     * (here for a damaged value) took its physical page for shared and started the page afresh, losing every entry.
     */
    @ParameterizedTest(name = "owned by {0}")
    @ValueSource(strings = {"no page", "the other page"})
    void aSpareEntryOwnedElsewhereThatNamesALivePageShouldNotMakeItsRepairDropItsEntries(String ownerCase)
            throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            int page = raw.pageOf(Bytes.utf8("k3"));
            int physical = raw.memory.getInt(raw.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
            int owner = ownerCase.equals("no page") ? 20_736 : (1 - page) + 1;
            raw.memory.putLong(raw.layout.spareTableOffset() + SpareTable.ENTRY_BYTES, SpareTable.word(physical, owner));
            long at = raw.recordOf(Bytes.utf8("k3")) + PageFormat.RECORD_HEADER_BYTES + 2 + 10;
            raw.memory.putByte(at, (byte) (raw.memory.getByte(at) ^ 0x10));
        }
        try (FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(Bytes.utf8("k3"))).isNull(); // the damaged value, dropped by the repair
            for (int i = 0; i < 20; i++) {
                if (i != 3) {
                    assertThat(cache.get(Bytes.utf8("k" + i))).as("k" + i).isEqualTo(Bytes.filled(60, i));
                }
            }
            assertThat(cache.repair().unrepaired()).as("repair").isEmpty();
            assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
        }
    }

    /**
     * Found by the fuzzing campaign of a CI run (input crash-d7606464...): the other page's directory entry named this
     * page's physical page, so this page's next repair (here for a damaged value) took its page for shared and
     * started it afresh, losing a write acknowledged after the file was opened. The damaged entry is the other
     * page's: that page is repaired onto an unused page instead.
     */
    @Test
    void anotherPagesDirectoryEntryNamingThisPageShouldNotMakeThisPageLoseItsEntries() throws Exception {
        fill();
        List<String> ours = new ArrayList<>();
        try (RawFile raw = cacheFile.raw()) {
            int page = raw.pageOf(Bytes.utf8("k3"));
            for (int i = 0; i < 20; i++) {
                if (i != 3 && raw.pageOf(Bytes.utf8("k" + i)) == page) {
                    ours.add("k" + i);
                }
            }
            int physical = raw.memory.getInt(raw.directoryEntry(page) + PageDirectory.PHYSICAL_PAGE_OFFSET);
            raw.memory.putInt(raw.directoryEntry(1 - page) + PageDirectory.PHYSICAL_PAGE_OFFSET, physical);
            long at = raw.recordOf(Bytes.utf8("k3")) + PageFormat.RECORD_HEADER_BYTES + 2 + 10;
            raw.memory.putByte(at, (byte) (raw.memory.getByte(at) ^ 0x10));
        }
        try (FastMmap cache = cacheFile.open()) { // nothing touches the other page before this page's repair
            cache.set(Bytes.utf8(ours.get(0)), Bytes.filled(70, 70)); // acknowledged before the repair
            assertThat(cache.get(Bytes.utf8("k3"))).isNull(); // the damaged value: repairs this page
            assertThat(cache.get(Bytes.utf8(ours.get(0)))).isEqualTo(Bytes.filled(70, 70));
            for (String key : ours.subList(1, ours.size())) {
                assertThat(cache.get(Bytes.utf8(key))).as(key).isEqualTo(Bytes.filled(60, valueIndex(key)));
            }
            assertThat(cache.repair().unrepaired()).as("repair").isEmpty();
            assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
        }
    }

    /** repair() rebuilds a damaged spare table from the page directory; no entry is lost. */
    @Test
    void repairShouldRebuildASpareTableThatNamesOnePageTwice() throws Exception {
        nameOnePhysicalPageInBothSpareEntries();
        try (FastMmap cache = cacheFile.open()) {
            VerifyReport repaired = cache.repair();
            assertThat(repaired.findings()).as("%s", repaired).singleElement()
                    .satisfies(finding -> assertThat(finding.description()).contains("both name physical page"))
                    .satisfies(finding -> assertThat(finding.repaired()).isTrue());
            assertThat(cache.verify().isClean()).as("%s", cache.verify()).isTrue();
            for (int i = 0; i < 20; i++) {
                assertThat(cache.get(Bytes.utf8("k" + i))).as("k" + i).isEqualTo(Bytes.filled(60, i));
            }
        }
    }

    private void nameOnePhysicalPageInBothSpareEntries() throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            long table = raw.layout.spareTableOffset();
            raw.memory.putLong(table + SpareTable.ENTRY_BYTES, raw.memory.getLong(table));
        }
    }

    @Test
    void aDirectoryEntryNamingAnImpossiblePageShouldBeRepaired() throws Exception {
        fill();
        try (RawFile raw = cacheFile.raw()) {
            raw.memory.putInt(raw.directoryEntry(0) + PageDirectory.PHYSICAL_PAGE_OFFSET, 999_999);
        }
        try (FastMmap cache = cacheFile.open()) {
            for (int i = 0; i < 20; i++) {
                cache.get(Bytes.utf8("k" + i));
            }
            cache.set(Bytes.utf8("new"), Bytes.utf8("value"));
            assertThat(cache.get(Bytes.utf8("new"))).isEqualTo(Bytes.utf8("value"));
            assertThat(cache.stats().pageRepairCount()).isPositive();
        }
    }

    @Test
    void randomDamageAnywhereInThePagesShouldOnlyEverSurfaceAsFastMmapExceptions() throws Exception {
        Random random = new Random(2024);
        for (int round = 0; round < 60; round++) {
            fill();
            try (RawFile raw = cacheFile.raw()) {
                long start = raw.layout.spareTableOffset();
                long length = raw.layout.fileSize() - start;
                for (int flips = 0; flips < 1 + random.nextInt(40); flips++) {
                    long at = start + (long) (random.nextDouble() * length);
                    raw.memory.putByte(at, (byte) random.nextInt(256));
                }
            }
            try (FastMmap cache = cacheFile.open()) {
                for (int i = 0; i < 20; i++) {
                    try {
                        byte[] value = cache.get(Bytes.utf8("k" + i));
                        assertThat(value == null || java.util.Arrays.equals(value, Bytes.filled(60, i)))
                                .as("round %d key k%d served a wrong value", round, i).isTrue();
                        cache.set(Bytes.utf8("k" + i), Bytes.filled(60, i));
                        cache.remove(Bytes.utf8("x" + i));
                    } catch (FastMmapException clean) {
                        // a refusal is acceptable; anything else fails the test
                    }
                }
            } catch (FastMmapException clean) {
                // refusing to open a damaged file is acceptable
            }
            java.nio.file.Files.delete(cacheFile.file);
        }
    }
}
