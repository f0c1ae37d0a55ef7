package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the jcstress tests of this module ({@link #TESTS}, in io.fastmmap.internal) with jcstress's own runner in a
 * child JVM, in its "quick" mode for CI; {@code -Dfastmmap.jcstress.mode=default|tough} runs longer, and
 * {@code -Dfastmmap.jcstress.tests=SlotPublicationStress,...} runs only those.
 */
class JcstressTest {
    /** The lock word, slot publication and in-progress marker protocols. */
    static final List<String> TESTS = List.of("PageLockStress", "SlotPublicationStress", "InProgressMarkerStress");

    @TempDir
    Path dir;

    @Test
    void theLockSlotAndMarkerProtocolsShouldHaveNoForbiddenOutcome() throws Exception {
        String mode = System.getProperty("fastmmap.jcstress.mode", "quick");
        List<String> tests = List.of(System.getProperty("fastmmap.jcstress.tests", String.join(",", TESTS)).split(","));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.openjdk.jcstress.Main",
                "-t", "io\\.fastmmap\\.internal\\.(" + String.join("|", tests) + ")$", "-v", "-m", mode,
                "-r", dir.resolve("results").toString()));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile()).start();
        assertThat(process.waitFor(15, TimeUnit.MINUTES)).as("jcstress finished").isTrue();
        String output = Files.readString(dir.resolve("output.txt"));
        String results = output.substring(Math.max(0, output.indexOf("RUN RESULTS")));
        System.out.println("JcstressTest (" + mode + "):\n" + results.lines()
                .filter(line -> line.contains("Stress") || line.matches("\\s+\\d+(, \\d+)+\\s.*")
                        || line.contains("tests:")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(process.exitValue()).as("jcstress exit code; output:%n%s", tail(output)).isZero();
        assertThat(results).as("jcstress output").contains(tests).doesNotContain("FAILED").doesNotContain("ERROR");
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }
}
