package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ChildJvm.Jdk;
import io.fastmmap.process.ChildJvms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache file deleted, or replaced by renaming another file over it, while processes use it (reliability-security
 * §6). The behaviour, as POSIX gives it and fastmmap keeps it: processes attached before keep sharing the file they
 * mapped (their mapping and their fcntl locks belong to the file, not to its name) and never fail for it; a process
 * that opens the path afterwards, or a new open in an attached JVM, gets the file the path names now, or creates one;
 * nothing mixes the two files: neither group sees the other's entries, {@code verify()} in the old group says that
 * its path now names another file (and nothing else), and {@code deleteOnClose} of the old group never deletes the
 * new file. Two child JVMs (JDK 17 and JDK 25) work on the file throughout; {@link ChildJvms} fails the test on any
 * JVM crash log.
 */
class ReplacedFileTest {
    static final Duration STARTUP = Duration.ofSeconds(120);
    static final Duration ANSWER = Duration.ofSeconds(60);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void aFileDeletedUnderLoadShouldKeepServingItsUsersWhileNewOpenersGetANewFile() throws Exception {
        Path file = dir.resolve("cache.fmm");
        List<ChildJvm> old = startOldGroup(file);
        Files.delete(file);
        Thread.sleep(500);
        for (ChildJvm child : old) {
            assertThat(ask(child, "VERIFY", "VERIFY")).as("verify() in %s once the file is deleted", child)
                    .startsWith("VERIFY clean=false")
                    .contains("the path no longer names the file this process uses: it was deleted");
        }
        try (FastMmap fresh = FastMmap.builder(file).pageCount(8).pageSize(64 << 10).build()) {
            checkTheGroupsApart(old, fresh, true);
            stopOldGroup(old);
            assertThat(fresh.get(bytes("new-key"))).as("the new file, after the old group closed with "
                    + "deleteOnClose").isEqualTo(bytes("from-the-new-file"));
            assertThat(fresh.verify().isClean()).as("verify() of the new file").isTrue();
        }
        assertThat(file).as("the new file is still there").exists();
    }

    /** The replacement has another geometry, so anything reading it for the old file would show. */
    @Test
    void aFileReplacedByRenameUnderLoadShouldKeepServingItsUsersWhileNewOpenersGetTheNewFile() throws Exception {
        Path file = dir.resolve("cache.fmm");
        List<ChildJvm> old = startOldGroup(file);
        Path incoming = dir.resolve("incoming.fmm");
        try (FastMmap replacement = FastMmap.builder(incoming).pageCount(4).pageSize(16 << 10).build()) {
            replacement.set(bytes("new-key"), bytes("from-the-new-file"));
        }
        Files.move(incoming, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(500);
        try (FastMmap fresh = FastMmap.builder(file).pageCount(4).pageSize(16 << 10).build()) {
            checkTheGroupsApart(old, fresh, false);
            assertThat(ask(old.get(1), "REOPEN-GET new-key", "REOPEN"))
                    .as("an attached JVM opening the path again with the old geometry is refused clearly")
                    .startsWith("REOPEN-FAILED io.fastmmap.IncompatibleCacheFileException").contains(file.toString())
                    .contains("pageSize=16384, pageCount=4");
            stopOldGroup(old);
            assertThat(fresh.get(bytes("new-key"))).as("the new file, after the old group closed with "
                    + "deleteOnClose").isEqualTo(bytes("from-the-new-file"));
            assertThat(fresh.verify().isClean()).as("verify() of the new file").isTrue();
        }
        assertThat(file).as("the new file is still there").exists();
    }

    /** Two child JVMs, one per JDK, working on {@code file} (8 pages of 64 KiB, deleteOnClose) for half a second. */
    private List<ChildJvm> startOldGroup(Path file) throws InterruptedException {
        List<ChildJvm> old = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            ChildJvm child = jvms.start(name, name.equals("a") ? Jdk.JDK17 : Jdk.JDK25, ReplacedFileChild.class,
                    file.toString(), "8", String.valueOf(64 << 10), name);
            old.add(child);
            child.awaitLine("READY", STARTUP);
        }
        Thread.sleep(500);
        return old;
    }

    private void checkTheGroupsApart(List<ChildJvm> old, FastMmap fresh, boolean sameGeometry) {
        ChildJvm a = old.get(0);
        ChildJvm b = old.get(1);
        assertThat(fresh.get(bytes("a-t0-1"))).as("the new file has none of the old file's entries").isNull();
        fresh.set(bytes("new-key"), bytes("from-the-new-file"));

        assertThat(ask(a, "SET old-key from-the-old-file", "SET-OK")).isEqualTo("SET-OK");
        assertThat(ask(b, "GET old-key", "VALUE")).as("the old group still shares its file")
                .isEqualTo("VALUE from-the-old-file");
        assertThat(ask(b, "GET new-key", "VALUE")).as("the old group does not see the new file")
                .isEqualTo("VALUE null");
        assertThat(fresh.get(bytes("old-key"))).as("the new file does not see the old group").isNull();
        if (sameGeometry) { // else an attached JVM opening the path again is refused (checked by the caller)
            assertThat(ask(a, "REOPEN-GET new-key", "REOPEN")).as("an attached JVM opening the path again gets the "
                    + "new file, not its old connection").isEqualTo("REOPENED from-the-new-file");
        }
        for (ChildJvm child : old) {
            String verify = ask(child, "VERIFY", "VERIFY");
            assertThat(verify).as("verify() in %s names the path change", child).startsWith("VERIFY clean=false")
                    .contains("the path no longer names the file this process uses: another file was put in its place");
            assertThat(verify).as("and reads nothing of the new file (its size or header)")
                    .doesNotContain("header").doesNotContain("size on disk");
        }
    }

    /** Stops the old group: no wrong value, no exception, work done; each closes with deleteOnClose. */
    private void stopOldGroup(List<ChildJvm> old) {
        for (ChildJvm child : old) {
            child.send("STOP");
            List<String> report = new ArrayList<>();
            String line;
            while (!(line = child.awaitLine("", ANSWER)).equals("CLOSED")) {
                report.add(line);
            }
            System.out.println("ReplacedFileTest: " + child + " " + report);
            assertThat(report).as("%s: no wrong value and no exception", child)
                    .noneMatch(l -> l.startsWith("WRONG") || l.startsWith("THROWN"));
            long operations = Long.parseLong(report.stream().filter(l -> l.startsWith("OPS ")).findFirst()
                    .orElseThrow().substring(4));
            assertThat(operations).as("%s kept working", child).isGreaterThan(100);
            assertThat(child.waitFor(ANSWER)).as("exit code of %s", child.describe()).isZero();
        }
    }

    private static String ask(ChildJvm child, String command, String answerPrefix) {
        child.send(command);
        return child.awaitLine(answerPrefix, ANSWER);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
