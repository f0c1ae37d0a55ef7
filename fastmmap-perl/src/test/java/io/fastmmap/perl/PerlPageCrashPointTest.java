package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.ManualClock;
import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ExternalTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every state a Java process killed at any instant of a write leaves in a Perl-format page: the page is recorded
 * after each single store ({@link PageMemory#storeObserver}: a SIGKILL leaves exactly the stores made so far in the
 * shared mapping), and each recorded file must then be read by real Cache::FastMmap 1.57 (get_statistics, get_keys
 * with values, and the same with {@code test_file => 1}) and by Java without a crash and without a wrong value:
 * every entry anyone sees holds its value from before or from after the write. Entries may be missing (a page
 * being compacted loses them when its writer dies), and the used-slot count may be off by one (the instant between
 * a slot store and its count store, which a killed Perl process leaves too).
 */
class PerlPageCrashPointTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    private static final int PAGE_SIZE = 4096;
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    @AfterEach
    void stopObserving() {
        PageMemory.storeObserver = null;
    }

    private PerlCache open(Path file) {
        return PerlCache.builder(file).pageCount(1).pageSize(PAGE_SIZE).clock(clock).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compactGrowingAndEvicting", "purge", "clear", "insert", "replace", "remove"})
    void everyStoreLeavesAPagePerlAndJavaReadWithoutAWrongValue(String scenario) throws Exception {
        Path file = dir.resolve("share");
        try (PerlCache cache = open(file)) {
            fill(cache, scenario);
        }
        Map<String, String> before = javaView(file);
        Path template = Files.copy(file, dir.resolve("template"));
        long mutationMillis = clock.millis();
        List<byte[]> states = new ArrayList<>();
        try (PerlCache cache = open(file)) {
            PageMemory.storeObserver = memory -> {
                if (memory.file().equals(file)) {
                    states.add(memory.snapshot());
                }
            };
            mutate(cache, scenario);
            PageMemory.storeObserver = null;
        }
        Map<String, String> after = javaView(file);
        if (!scenario.equals("purge")) { // drops only entries no reader sees any more
            assertThat(after).as("the %s changes what the page holds", scenario).isNotEqualTo(before);
        }
        assertThat(states.size()).as("stores of the %s", scenario)
                .isGreaterThanOrEqualTo(scenario.startsWith("compact") ? 100 : 2);

        if (scenario.startsWith("compact")) {
            aKilledProcessLeavesTheRecordedStates(template, mutationMillis, states);
        }
        List<String> files = new ArrayList<>();
        for (int n = 0; n < states.size(); n++) {
            Path state = dir.resolve("state-" + n);
            Files.write(state, states.get(n));
            files.add(state.toString());
        }
        List<String> args = new ArrayList<>(List.of("1", "" + PAGE_SIZE));
        args.addAll(files);
        List<String> perl = PerlProcess.runScript("crash-check.pl", args.toArray(String[]::new));
        assertThat(perl).last().isEqualTo("END");
        int n = -1;
        for (String line : perl) {
            String[] fields = line.split(" ");
            if (fields[0].equals("FILE")) {
                n = Integer.parseInt(fields[1]);
            } else if (!fields[0].equals("END")) {
                String key = new String(HEX.parseHex(fields[1]), StandardCharsets.UTF_8);
                assertSeenRight(Map.of(key, new String(HEX.parseHex(fields[2]), StandardCharsets.UTF_8)),
                        "Perl" + (fields[0].equals("T") ? " with test_file" : "") + " after store " + (n + 1),
                        before, after);
            }
        }
        assertThat(n).isEqualTo(states.size() - 1);
        for (n = 0; n < states.size(); n++) { // on fresh copies: test_file => 1 re-initialised some of Perl's
            checkSlots(states.get(n), n, before, after);
            Path state = Files.write(dir.resolve("java-state-" + n), states.get(n));
            Map<String, String> seen = javaView(state);
            assertSeenRight(seen, "Java after store " + (n + 1), before, after);
            try (PerlCache cache = open(state)) {
                cache.purge(); // a Java process carrying on compacts the page: its counts come out exact again
            }
            byte[] compacted = Files.readAllBytes(state);
            // Keeps what was seen, and may find more: entries a half-cleared table hid behind an emptied slot.
            Map<String, String> purged = javaView(state);
            assertThat(purged).as("after store %d and a purge, the entries", n + 1).containsAllEntriesOf(seen);
            assertSeenRight(purged, "Java after store " + (n + 1) + " and a purge", before, after);
            assertThat(checkSlots(compacted, n, before, after)).as("after store %d and a purge: slots used, deleted"
                    + " against the header's", n + 1).isEqualTo(new int[] {slotsUsed(compacted), 0});
        }
    }

    /**
     * The recorded states are what a killed process leaves: a child JVM halted (as by SIGKILL) right after store n
     * leaves the file byte for byte as recorded after store n.
     */
    private void aKilledProcessLeavesTheRecordedStates(Path template, long millis, List<byte[]> states)
            throws IOException {
        for (int n : new int[] {1, states.size() / 2, states.size() - 1}) {
            Path work = Files.copy(template, dir.resolve("halted-" + n));
            try (ChildJvm child = ChildJvm.start("halt" + n, ChildJvm.Jdk.alternating(n), dir.resolve("jvm"),
                    IncrementChild.class, List.of(work.toString(), "1", "" + PAGE_SIZE, "halt", "" + n, "" + millis,
                            "big", "1500"))) {
                assertThat(child.waitFor(Duration.ofSeconds(60))).as("exit of %s", child.describe()).isEqualTo(137);
            }
            assertThat(Files.readAllBytes(work)).as("the file after a halt at store %d", n)
                    .isEqualTo(states.get(n - 1));
        }
    }

    private void fill(PerlCache cache, String scenario) {
        switch (scenario) {
            case "compactGrowingAndEvicting" -> {
                // 30 of 89 slots and 2760 of 3708 data bytes: a 1500-byte value makes the page expunge, grow its
                // table to 179 slots and evict the least recently used entries.
                for (int i = 0; i < 30; i++) {
                    cache.set(bytes("k" + i), bytes(("value-" + i + "-").repeat(10).substring(0, 60)));
                    clock.advance(Duration.ofSeconds(1));
                }
            }
            case "purge" -> {
                for (int i = 0; i < 20; i++) {
                    cache.set(bytes("k" + i), bytes("kept-" + i));
                    cache.set(bytes("t" + i), bytes("expiring-" + i), Duration.ofSeconds(10));
                }
                cache.remove(bytes("k3"));
                clock.advance(Duration.ofSeconds(20));
            }
            default -> {
                for (int i = 0; i < 20; i++) {
                    cache.set(bytes("k" + i), bytes("value-" + i));
                }
                cache.remove(bytes("k3"));
            }
        }
    }

    private void mutate(PerlCache cache, String scenario) {
        switch (scenario) {
            case "compactGrowingAndEvicting" -> cache.set(bytes("big"), bytes("B".repeat(1500)));
            case "purge" -> cache.purge();
            case "clear" -> cache.clear();
            case "insert" -> cache.set(bytes("new"), bytes("new value"));
            case "replace" -> cache.set(bytes("k5"), bytes("replaced value"));
            case "remove" -> cache.remove(bytes("k7"));
            default -> throw new IllegalArgumentException(scenario);
        }
    }

    /** @return every live entry as Java reads it, key by key (each read probes as Perl's lookup does) */
    private Map<String, String> javaView(Path file) {
        Map<String, String> view = new LinkedHashMap<>();
        Set<String> keys = new TreeSet<>();
        for (int i = 0; i < 40; i++) {
            keys.addAll(List.of("k" + i, "t" + i));
        }
        keys.addAll(List.of("big", "new"));
        try (PerlCache cache = open(file)) {
            for (String key : keys) {
                byte[] value = cache.get(bytes(key));
                if (value != null) {
                    view.put(key, new String(value, StandardCharsets.UTF_8));
                }
            }
        }
        return view;
    }

    private static void assertSeenRight(Map<String, String> seen, String who, Map<String, String> before,
            Map<String, String> after) {
        seen.forEach((key, value) -> assertThat(value).as("%s: the value of %s", who, key)
                .isIn(before.get(key), after.get(key)));
    }

    /**
     * What 1.57 relies on without checking: the five header checks, every used slot pointing to a whole record below
     * FreeData whose key holds its value from before or after, and the used-slot count (which Perl's expunge sizes an
     * array with) off by at most one.
     */
    private static int[] checkSlots(byte[] state, int n, Map<String, String> before, Map<String, String> after) {
        ByteBuffer page = ByteBuffer.wrap(state).order(ByteOrder.nativeOrder());
        String at = "after store " + (n + 1);
        assertThat(Integer.toUnsignedLong(page.getInt(0))).as(at).isEqualTo(PerlPage.MAGIC);
        int slots = page.getInt(4);
        int free = page.getInt(8);
        int old = page.getInt(12);
        int freeData = page.getInt(16);
        assertThat(slots).as("%s: NumSlots", at).isBetween(PerlPage.MIN_SLOTS, (PAGE_SIZE - 32) / 4);
        assertThat(free).as("%s: FreeSlots", at).isBetween(0, slots);
        assertThat(old).as("%s: OldSlots", at).isBetween(0, free);
        assertThat(freeData + page.getInt(20)).as("%s: FreeData + FreeBytes", at).isEqualTo(PAGE_SIZE);
        assertThat(freeData).as("%s: FreeData", at).isGreaterThanOrEqualTo(32 + 4 * slots);
        int used = 0;
        int deleted = 0;
        for (int slot = 0; slot < slots; slot++) {
            int offset = page.getInt(32 + 4 * slot);
            deleted += offset == 1 ? 1 : 0;
            if (offset == 0 || offset == 1) {
                continue;
            }
            used++;
            assertThat(offset).as("%s: slot %d", at, slot).isGreaterThanOrEqualTo(32 + 4 * slots)
                    .isLessThanOrEqualTo(freeData - 24);
            int keyLength = page.getInt(offset + 16);
            int valueLength = page.getInt(offset + 20);
            assertThat((long) offset + 24 + keyLength + valueLength).as("%s: end of slot %d's record", at, slot)
                    .isLessThanOrEqualTo(freeData);
            String key = new String(state, offset + 24, keyLength, StandardCharsets.UTF_8);
            String value = new String(state, offset + 24 + keyLength, valueLength, StandardCharsets.UTF_8);
            assertThat(page.getInt(offset + 8)).as("%s: slot hash of %s", at, key)
                    .isEqualTo((int) (PerlPage.hash(bytes(key))));
            long expireOn = Integer.toUnsignedLong(page.getInt(offset + 4));
            if (expireOn == 0 || expireOn > 1_700_000_000L + 20) { // live at the test's clock
                assertSeenRight(Map.of(key, value), "the page " + at, before, after);
            }
        }
        assertThat(used).as("%s: used slots against NumSlots - FreeSlots", at).isBetween(slots - free - 1,
                slots - free + 1);
        return new int[] {used, deleted - old};
    }

    /** @return NumSlots - FreeSlots of the page's header */
    private static int slotsUsed(byte[] state) {
        ByteBuffer page = ByteBuffer.wrap(state).order(ByteOrder.nativeOrder());
        return page.getInt(4) - page.getInt(8);
    }
}
