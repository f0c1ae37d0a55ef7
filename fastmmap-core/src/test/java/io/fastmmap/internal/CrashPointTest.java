package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash points at the granularity of single stores, with real process death: a child JVM runs one mutation and
 * halts right after its n-th store to the mapped file, for n = 1, 2, ... until the mutation completes. After each
 * death this JVM opens the file (recovering the page) and checks that the page reads exactly as before the
 * mutation or exactly as after it, and that every physical page is accounted for once.
 */
class CrashPointTest {
    private static final Geometry GEOMETRY = new Geometry(4096, 1);
    private static final List<String> KEYS = new ArrayList<>();

    static {
        for (int i = 0; i < 10; i++) {
            KEYS.add("k" + i);
        }
        KEYS.addAll(List.of("new", "big"));
        for (int i = 0; i < 40; i++) {
            KEYS.add("s" + i);
        }
    }

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"insert", "replace", "remove", "getAndSet", "compactEvicting", "compactGrowingSlots",
            "clear"})
    void everyCrashPointShouldLeaveThePageAsBeforeOrAsAfter(String scenario) throws Exception {
        Path template = directory.resolve("template.fmm");
        try (FastMmap cache = open(template)) {
            for (int i = 0; i < 10; i++) {
                cache.set(Bytes.utf8("k" + i), Bytes.filled(60, i));
            }
            if (scenario.equals("compactGrowingSlots")) {
                // 48 entries fill the first 64 slots to the 3/4 load limit: one more must grow the table
                for (int i = 0; i < 38; i++) {
                    cache.set(Bytes.utf8("s" + i), Bytes.filled(8, i));
                }
            }
        }
        Map<String, String> before = read(template);
        Path reference = copy(template, "reference.fmm");
        assertThat(runChild(reference, scenario, 0)).isZero();
        Map<String, String> after = read(reference);
        assertThat(after).isNotEqualTo(before);

        int crashes = 0;
        for (int n = 1; ; n++) {
            Path work = copy(template, "work-" + n + ".fmm");
            int exit = runChild(work, scenario, n);
            VerifyReport found;
            try (FastMmap cache = open(work)) {
                found = cache.verify(); // changes nothing, so the reads below still recover the page themselves
            }
            if (exit == 0) {
                assertThat(found.isClean()).as("%s completed: %s", scenario, found).isTrue();
            }
            Map<String, String> state = read(work);
            assertThat(state).as("%s halted after store %d", scenario, n).isIn(before, after);
            checkPhysicalPages(work);
            try (FastMmap cache = open(work)) {
                assertThat(cache.verify().isClean()).as("%s halted after store %d, then recovered: %s", scenario, n,
                        cache.verify()).isTrue();
                cache.set(Bytes.utf8("k0"), Bytes.utf8("usable"));
                assertThat(cache.get(Bytes.utf8("k0"))).isEqualTo(Bytes.utf8("usable"));
            }
            Files.delete(work);
            if (exit == 0) {
                break;
            }
            assertThat(exit).isEqualTo(CrashPoints.HALT_EXIT_CODE);
            crashes++;
        }
        assertThat(crashes).as("the mutation must take several stores").isGreaterThan(3);
    }

    @Test
    void aCreatorDyingAtAnyPointShouldLeaveNothingThatBlocksTheNextOpen() throws Exception {
        for (int n = 1; ; n++) {
            Path file = directory.resolve("created-" + n + ".fmm");
            int exit = runChild(file, "create", n);
            try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
                cache.set(Bytes.utf8("a"), Bytes.utf8("b"));
                assertThat(cache.get(Bytes.utf8("a"))).isEqualTo(Bytes.utf8("b"));
            }
            try (var leftovers = Files.list(directory)) {
                assertThat(leftovers.filter(p -> p.getFileName().toString().startsWith(".")))
                        .as("temporary files of dead creators are removed").isEmpty();
            }
            if (exit == 0) {
                assertThat(n).isGreaterThan(10);
                return;
            }
        }
    }

    private static FastMmap open(Path file) {
        return FastMmap.builder(file).pageCount(GEOMETRY.pageCount()).pageSize(GEOMETRY.pageSizeBytes()).build();
    }

    private Path copy(Path template, String name) throws IOException {
        return Files.copy(template, directory.resolve(name), StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try (FastMmap cache = open(file)) {
            for (String key : KEYS) {
                byte[] value = cache.get(Bytes.utf8(key));
                if (value != null) {
                    values.put(key, value.length + ":" + Arrays.hashCode(value));
                }
            }
        }
        return values;
    }

    private static void checkPhysicalPages(Path file) throws IOException {
        try (RawFile raw = new RawFile(file, GEOMETRY)) {
            int[] uses = new int[GEOMETRY.physicalPageCount()];
            for (int page = 0; page < GEOMETRY.pageCount(); page++) {
                long entry = raw.directoryEntry(page);
                uses[raw.memory.getInt(entry + PageDirectory.PHYSICAL_PAGE_OFFSET)]++;
                assertThat(raw.memory.getInt(entry + PageDirectory.OPERATION_OFFSET)).isZero();
                assertThat(PageDirectory.holder(raw.memory.getLong(entry + PageDirectory.LOCK_WORD_OFFSET))).isZero();
            }
            for (int i = 0; i < GEOMETRY.spareCount(); i++) {
                long word = raw.memory.getLong(raw.layout.spareTableOffset() + 8L * i);
                assertThat(SpareTable.owner(word)).isZero();
                uses[SpareTable.physicalPage(word)]++;
            }
            assertThat(uses).containsOnly(1);
        }
    }

    private static int runChild(Path file, String scenario, int haltAfter) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path")));
        if (haltAfter > 0) {
            command.add("-Dfastmmap.test.haltAfterStores=" + haltAfter);
        }
        command.addAll(List.of(CrashChild.class.getName(), file.toString(), scenario));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = child.getInputStream().readAllBytes();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int exit = child.exitValue();
        assertThat(exit).as("child output: %s", new String(output)).isIn(0, CrashPoints.HALT_EXIT_CODE);
        return exit;
    }
}
