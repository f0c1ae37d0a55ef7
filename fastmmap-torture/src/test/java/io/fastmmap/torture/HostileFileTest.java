package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.process.ChildJvm;
import io.fastmmap.process.ChildJvm.Jdk;
import io.fastmmap.process.ChildJvms;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T11/T13, the hostile-file cases that need another process (the rest are in fastmmap-core's FileSafetyTest and
 * FileFormatTest): a file truncated by another process while in use, and files created under umask 000 and 077.
 */
class HostileFileTest {
    static final Duration STARTUP = Duration.ofSeconds(120);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    /**
     * Fail-stop: once another process cuts the file short, the user's threads get a clear exception naming the file,
     * no thread hangs, the JVM does not crash (no hs_err log; {@link ChildJvms} checks), and close() still gives up
     * the file, reporting the truncation as a FastMmapException. "third": the file keeps its lock words, cut while
     * the child's code is warm; "empty": cut to 0 bytes (lock words too) the moment the child is ready, while its
     * code is still cold: this one killed JDK 17 with SIGBUS in the page lock's compare-and-set (run it with
     * -Dfastmmap.casWarmUpCalls=0 to see it again).
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"JDK17, third", "JDK25, third", "JDK17, empty", "JDK25, empty"})
    void aFileTruncatedByAnotherProcessUnderLoadShouldFailStopWithAClearException(Jdk jdk, String cut)
            throws Exception {
        Path file = dir.resolve("truncated.fmm");
        ChildJvm child = jvms.start("user", jdk, TruncatedUnderLoadChild.class, file.toString(), "8", "16384");
        child.awaitLine("READY", STARTUP);
        long size = Files.size(file);
        long newSize = cut.equals("empty") ? 0 : size / 3;
        if (newSize > 0) {
            Thread.sleep(300);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(newSize);
        }
        Thread.sleep(700);
        child.send("STOP");
        List<String> thrown = new ArrayList<>();
        String closed = null;
        String line;
        while (!(line = child.awaitLine("", Duration.ofSeconds(60))).equals("DONE")) {
            assertThat(line).as("%s", child.describe()).doesNotStartWith("STUCK");
            if (line.startsWith("THROWN")) {
                thrown.add(line);
            }
            if (line.startsWith("CLOSE")) {
                closed = line;
            }
        }
        System.out.println("HostileFileTest: JDK " + jdk.version() + ", file truncated from " + size + " to "
                + newSize + " bytes under load: " + thrown + "; " + closed);
        assertThat(child.waitFor(Duration.ofSeconds(30))).as("exit code of %s", child.describe()).isZero();
        String clear = "(a FastMmapException): " + file + ": was truncated to " + newSize + " bytes";
        assertThat(thrown).as("the users noticed").anySatisfy(kind -> assertThat(kind).contains(clear)
                .contains("recreate(true)"));
        // JDK 17 reports a fault of compiled code at the thread's next native call, which may come after the call
        // of the cache returned: then the application gets the JVM's own error (docs/reliability.md, T11).
        String deferred = "java.lang.InternalError: a fault occurred in a recent unsafe memory access operation in "
                + "compiled Java code";
        assertThat(thrown).allSatisfy(kind -> assertThat(kind).satisfiesAnyOf(
                clearOne -> assertThat(clearOne).contains(clear),
                deferredOne -> assertThat(jdk == Jdk.JDK17 && deferredOne.contains(deferred)).isTrue()));
        assertThat(closed).as("close()").satisfiesAnyOf(
                line1 -> assertThat(line1).isEqualTo("CLOSED"),
                line1 -> assertThat(line1).contains("(a FastMmapException)", file.toString(), "truncated"));
    }

    /** Created files are 0600 and created directories 0700 whatever the umask. */
    @ParameterizedTest
    @ValueSource(strings = {"000", "077", "022"})
    void createdFilesAndDirectoriesShouldBePrivateUnderAnyUmask(String umask) throws Exception {
        Path file = dir.resolve("umask-" + umask).resolve("deeper").resolve("c.fmm");
        String command = "umask " + umask + " && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"";
        Process process = new ProcessBuilder("sh", "-c", command, Jdk.parent().java().toString(),
                System.getProperty("java.class.path"), UmaskChild.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("output: %s", output).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent().getParent())))
                .isEqualTo("rwx------");
    }
}
