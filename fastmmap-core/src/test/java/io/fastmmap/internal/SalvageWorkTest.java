package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair's work on a hostile page is bounded by the page, not by its square (issue 19): a page whose records all
 * hash to one home slot, so that they fill one long probe run, made repair walk each record's probe path from the
 * home slot again, slots²/2 slot reads for the page. The work is counted in slot reads, not timed.
 */
class SalvageWorkTest {
    private static final int HOME_BITS = 12; // every slot count up to 4,096 sees one home slot
    private static final int KEY_COUNT = 400;

    @TempDir
    Path dir;

    @Test
    void repairReadsEachSlotABoundedNumberOfTimesOnAPageOfCollidingKeys() throws Exception {
        SmallCacheFile cacheFile = new SmallCacheFile(dir.resolve("colliding.fmm"), new Geometry(64 * 1024, 1));
        try (FastMmap cache = cacheFile.open()) {
            cache.set(Bytes.utf8("seed"), new byte[1]); // creates the file, so its hash seed can be read
        }
        List<byte[]> keys;
        try (RawFile raw = cacheFile.raw()) {
            keys = keysWithOneHomeSlot(raw);
        }
        try (FastMmap cache = cacheFile.open()) {
            cache.remove(Bytes.utf8("seed"));
            for (byte[] key : keys) {
                cache.set(key, new byte[] {7});
            }
        }
        try (RawFile raw = cacheFile.raw()) {
            PageStore store = new PageStore(raw.memory, raw.layout, cacheFile.file, raw.hashSeed, null);
            long base = raw.pageBase(0);
            int slots = raw.memory.getInt(base + PageFormat.SLOT_COUNT_OFFSET);
            Survivors survivors = Survivors.salvage(store, 0, base, 0);
            System.out.println("SalvageWorkTest: " + KEY_COUNT + " colliding keys in " + slots + " slots: repair read "
                    + survivors.slotReads() + " slots");
            assertThat(survivors.count()).as("records kept").isEqualTo(KEY_COUNT);
            assertThat(survivors.slotReads()).as("slot reads of repair over %d slots", slots)
                    .isLessThanOrEqualTo(4L * slots);
        }
    }

    /** @return keys whose hashes agree in their low bits, so they share one home slot in any table of the page */
    private static List<byte[]> keysWithOneHomeSlot(RawFile raw) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; keys.size() < KEY_COUNT; i++) {
            byte[] key = Bytes.utf8("c" + i);
            if ((raw.hash(key) & ((1 << HOME_BITS) - 1)) == 0) {
                keys.add(key);
            }
        }
        return keys;
    }
}
