package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.CapturedLog;
import io.fastmmap.FastMmap;
import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.process.ChildJvm.Jdk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restarting with another geometry (issue 19 item 4, issue 18 item 4): with {@code recreate(true)} or
 * {@code migrateEntries(true)} exactly one process replaces the file, every process ends on that one file, and
 * processes of the old geometry that still run get a refusal that says what to do; a migration carries the live
 * entries over, and a migrating process killed at any moment leaves the old file or the new one whole.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class GeometryChangeTest {
    static final int OLD_PAGE_COUNT = 8;
    static final int OLD_PAGE_SIZE = 16 * 1024;
    static final int NEW_PAGE_COUNT = 64;
    static final int NEW_PAGE_SIZE = 64 * 1024;
    static final int OLD_ENTRIES = 200;
    static final Duration STARTUP = Duration.ofSeconds(90);
    static final Duration REPLY = Duration.ofSeconds(60);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"recreate", "migrate"})
    void twoProcessesStartedWithANewGeometryAtOnceEndOnOneFile(String mode) throws Exception {
        for (int round = 0; round < 4; round++) {
            Path file = dir.resolve(mode + "-" + round + ".fmm");
            fillOld(file);
            List<ChildJvm> children = Stream.of(Jdk.JDK17, Jdk.JDK25).map(jdk -> startChild(mode + "-" + jdk.version(),
                    jdk, file, NEW_PAGE_COUNT, NEW_PAGE_SIZE, mode)).toList();
            for (ChildJvm child : children) {
                child.awaitLine("READY", STARTUP);
            }
            children.forEach(child -> child.send("GO"));
            for (ChildJvm child : children) {
                assertThat(child.awaitLine("", REPLY)).as("round %d: %s", round, child).isEqualTo("OPENED");
            }
            for (ChildJvm child : children) {
                child.send("SET from-" + child.name() + " " + child.name());
                assertThat(child.awaitLine("", REPLY)).startsWith("SET-OK");
            }
            for (ChildJvm child : children) {
                for (ChildJvm other : children) {
                    child.send("GET from-" + other.name());
                    assertThat(child.awaitLine("", REPLY)).as("round %d: %s reads what %s wrote", round, child, other)
                            .startsWith("GOT from-" + other.name() + " " + other.name() + " ");
                }
                child.send("GET old-7");
                assertThat(child.awaitLine("", REPLY)).as("round %d: an entry of the old file", round)
                        .startsWith("GOT old-7 " + (mode.equals("migrate") ? "value-7 " : "NULL "));
            }
            for (ChildJvm child : children) {
                child.send("EXIT");
                assertThat(child.waitFor(REPLY)).isZero();
            }
            assertThat(Files.list(dir).filter(p -> p.getFileName().toString().contains(".init-")).toList())
                    .as("temporary files left").isEmpty();
        }
    }

    @Test
    void migrationCarriesTheLiveEntriesOverOnlyWhenNoProcessOfTheOldGeometryRuns() throws Exception {
        Path file = dir.resolve("resize.fmm");
        fillOld(file);
        try (FastMmap old = oldBuilder(file).build()) {
            old.set(bytes("short-lived"), bytes("x"), Duration.ofMillis(1));
            old.set(bytes("long-lived"), bytes("y"), Duration.ofHours(1));
        }
        Thread.sleep(20);
        FastMmap.Builder resized = FastMmap.builder(file).pageCount(NEW_PAGE_COUNT).pageSize(NEW_PAGE_SIZE);
        assertThatThrownBy(resized::build).as("without migrateEntries").isInstanceOf(
                IncompatibleCacheFileException.class).hasMessageContaining("was created with pageSize=" + OLD_PAGE_SIZE);
        ChildJvm oldProcess = startChild("old-geometry", Jdk.parent().other(), file, OLD_PAGE_COUNT, OLD_PAGE_SIZE,
                "plain");
        oldProcess.awaitLine("READY", STARTUP);
        oldProcess.send("GO");
        assertThat(oldProcess.awaitLine("", REPLY)).isEqualTo("OPENED");
        assertThatThrownBy(() -> resized.migrateEntries(true).build()).isInstanceOf(
                IncompatibleCacheFileException.class).hasMessageContaining("other processes have it open")
                .hasMessageContaining("stop every process that uses the old geometry");
        assertThat(CacheFileInfo.read(file).pageSizeBytes()).as("the refused file is left as it was")
                .isEqualTo(OLD_PAGE_SIZE);
        oldProcess.send("EXIT");
        assertThat(oldProcess.waitFor(REPLY)).isZero();

        try (FastMmap cache = resized.migrateEntries(true).build()) {
            assertThat(CacheFileInfo.read(file).pageSizeBytes()).isEqualTo(NEW_PAGE_SIZE);
            for (int i = 0; i < OLD_ENTRIES; i++) {
                assertThat(text(cache.get(bytes("old-" + i)))).isEqualTo("value-" + i);
            }
            assertThat(cache.get(bytes("short-lived"))).as("an entry that had expired").isNull();
            assertThat(text(cache.get(bytes("long-lived")))).isEqualTo("y");
        }
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().contains(".init-")).toList())
                .as("temporary files left").isEmpty();
    }

    /**
     * A process killed while it held a page lock (inside a getAndSet update function) leaves that lock held. The
     * migrating process holds the gate exclusively, so that holder is dead: the page is read as its repair would
     * (Survivors.salvage), read-only, and its entries carried over; the interrupted update never committed, so its
     * key keeps the old value. Before, the migration waited 10 s on the page and then counted it lost.
     */
    @Test
    void aMigrationCarriesOverThePageOfAProcessThatDiedHoldingItsLock() throws Exception {
        Path file = dir.resolve("dead-holder.fmm");
        fillOld(file);
        ChildJvm holder = jvms.start("holder", Jdk.parent().other(), HolderChild.class, file.toString(),
                Integer.toString(OLD_PAGE_COUNT), Integer.toString(OLD_PAGE_SIZE), "old-7", "forever", "changed");
        holder.awaitLine("READY", STARTUP);
        assertThat(holder.awaitLine("HOLDING", REPLY)).isEqualTo("HOLDING value-7");
        holder.kill();
        FastMmap.Builder resized = FastMmap.builder(file).pageCount(NEW_PAGE_COUNT).pageSize(NEW_PAGE_SIZE)
                .migrateEntries(true);
        try (CapturedLog log = new CapturedLog(); FastMmap cache = resized.build()) {
            for (int i = 0; i < OLD_ENTRIES; i++) {
                assertThat(text(cache.get(bytes("old-" + i)))).as("old-%d", i).isEqualTo("value-" + i);
            }
            List<String> lines = log.awaitWarningsWith("carried " + OLD_ENTRIES + " live entries over", 1);
            assertThat(lines.get(0)).contains("1 page left locked or mid-update by a process that died, or "
                    + "damaged, was read as its repair would").doesNotContain("are lost");
        }
    }

    @Test
    void aMigrationKilledAtAnyMomentLeavesTheOldFileOrTheNewOneWhole() throws Exception {
        int entries = 20_000;
        for (int delayMillis : new int[] {0, 30, 80, 160, 320, 640}) {
            Path file = dir.resolve("killed-" + delayMillis + ".fmm");
            try (FastMmap old = FastMmap.builder(file).pageCount(64).pageSize(64 * 1024).build()) {
                for (int i = 0; i < entries; i++) {
                    old.set(bytes("k" + i), bytes("v" + i));
                }
            }
            ChildJvm migrating = startChild("migrating-" + delayMillis, Jdk.alternating(delayMillis / 10), file, 256,
                    64 * 1024, "migrate");
            migrating.awaitLine("READY", STARTUP);
            migrating.send("GO");
            Thread.sleep(delayMillis);
            migrating.kill();
            CacheFileInfo info = CacheFileInfo.read(file);
            assertThat(info.pageCount()).as("the geometry under the path").isIn(64, 256);
            try (FastMmap cache = info.builder().build()) {
                for (int i = 0; i < entries; i++) {
                    assertThat(text(cache.get(bytes("k" + i)))).as("killed after %d ms, pageCount %d, k%d",
                            delayMillis, info.pageCount(), i).isEqualTo("v" + i);
                }
                assertThat(cache.verify().isClean()).isTrue();
            }
            System.out.println("GeometryChangeTest: migration killed after " + delayMillis + " ms left pageCount "
                    + info.pageCount());
        }
    }

    private static void fillOld(Path file) {
        try (FastMmap old = oldBuilder(file).build()) {
            for (int i = 0; i < OLD_ENTRIES; i++) {
                old.set(bytes("old-" + i), bytes("value-" + i));
            }
        }
    }

    private static FastMmap.Builder oldBuilder(Path file) {
        return FastMmap.builder(file).pageCount(OLD_PAGE_COUNT).pageSize(OLD_PAGE_SIZE);
    }

    private ChildJvm startChild(String name, Jdk jdk, Path file, int pageCount, int pageSize, String mode) {
        return jvms.start(name, jdk, ReopenChild.class, file.toString(), Integer.toString(pageCount),
                Integer.toString(pageSize), mode, dir.toString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
