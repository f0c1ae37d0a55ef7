package io.fastmmap.perl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CodecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Storable reader in the CI fuzzing campaign (T9, beside fastmmap-torture's file fuzzing): with
 * {@code -Dfastmmap.fuzz.seconds=N} Jazzer runs {@link StorableFuzzTarget} for N/10 seconds (at least 30) in a child
 * JVM (once, from the JDK 25 test JVM), starting from the kept inputs; every build replays the kept inputs. A finding fails the test, is copied into
 * {@link #INPUTS} (commit it with the fix) and printed in Base64.
 */
class StorableFuzzCampaignTest {
    static final Path INPUTS = Path.of("src/test/resources/io/fastmmap/perl/StorableFuzzInputs");

    @Test
    void everyKeptInputIsRefusedOrRoundTrips() throws IOException {
        try (Stream<Path> inputs = Files.list(INPUTS)) {
            List<Path> all = inputs.toList();
            assertThat(all).as("kept inputs in %s", INPUTS.toAbsolutePath()).isNotEmpty();
            for (Path input : all) {
                StorableFuzzTarget.fuzzerTestOneInput(Files.readAllBytes(input));
            }
        }
    }

    /**
     * What the reader accepts, the writer writes and the reader accepts again: both count nesting the same way (the
     * finding kept here: 512 arrays nested without references, which Perl never writes, thawed, froze with a
     * reference per level and was refused on the second thaw).
     */
    @Test
    void whateverThawsFreezesAndThawsAgainAtTheDepthLimit() {
        Object deepest = List.of();
        for (int depth = 0; depth < Storable.MAX_DEPTH; ) { // a list is one level, an object and its body two
            boolean object = depth % 3 == 0 && depth + 2 <= Storable.MAX_DEPTH;
            deepest = object ? new PerlObject("Deep", List.of(deepest)) : List.of(deepest);
            depth += object ? 2 : 1;
        }
        Object thawed = Storable.thaw(Storable.freeze(deepest));
        assertThat(Storable.freeze(thawed)).isEqualTo(Storable.freeze(deepest));
        Object tooDeep = List.of(deepest);
        assertThatThrownBy(() -> Storable.freeze(tooDeep)).isInstanceOf(CodecException.class)
                .hasMessageContaining("deeper than " + Storable.MAX_DEPTH).hasMessageContaining("$value[0] (blessed Deep)[0]")
                .hasMessageContaining(" ... ").message().hasSizeLessThan(400);
    }

    /**
     * The campaign's child JVM gets an 8 MiB stack because Jazzer's instrumentation makes each of the reader's
     * frames several times larger; in production the deepest input the reader opens, and hostile chains of
     * references past it, need less than a quarter of the JVM's default 1 MiB stack.
     */
    @Test
    void theDeepestInputsNeedLessThanAQuarterOfTheDefaultStack() throws Exception {
        Object deepest = List.of();
        for (int level = 0; level < Storable.MAX_DEPTH; level++) {
            deepest = List.of(deepest);
        }
        byte[] deepestBytes = Storable.freeze(deepest);
        byte[] references = Arrays.copyOf(Storable.NATIVE_HEADER, Storable.NATIVE_HEADER.length + 100_000);
        Arrays.fill(references, Storable.NATIVE_HEADER.length, references.length, (byte) Storable.SX_REF);
        Object[] outcome = new Object[2];
        Thread small = new Thread(null, () -> {
            try {
                outcome[0] = Storable.thaw(deepestBytes);
                outcome[1] = Storable.thaw(references);
            } catch (Throwable t) {
                outcome[1] = t;
            }
        }, "quarter-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(outcome[0]).isEqualTo(deepest);
        assertThat(outcome[1]).isInstanceOf(CodecException.class).asString().contains("deeper than");
    }

    @Test
    void fuzzingTheStorableReaderFindsNothing() throws Exception {
        long seconds = Math.max(30, Long.getLong("fastmmap.fuzz.seconds", 0) / 10);
        Assumptions.assumeTrue(Long.getLong("fastmmap.fuzz.seconds", 0) > 0,
                "no fuzzing campaign: -Dfastmmap.fuzz.seconds is not set");
        Assumptions.assumeFalse("17".equals(System.getProperty("fastmmap.test.jvm")),
                "the campaign runs once, in the JDK 25 test JVM");
        Path work = Files.createDirectories(Path.of("target", "storable-fuzz").toAbsolutePath());
        Path corpus = Files.createDirectories(work.resolve("corpus"));
        Path findings = Files.createDirectories(work.resolve("findings"));
        try (Stream<Path> old = Files.list(findings)) {
            for (Path finding : old.toList()) {
                Files.delete(finding);
            }
        }
        try (Stream<Path> kept = Files.list(INPUTS)) {
            for (Path input : kept.toList()) {
                Files.copy(input, corpus.resolve(input.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path output = work.resolve("output.txt");
        Process jazzer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Xss8m", "-XX:+EnableDynamicAgentLoading", "-cp", System.getProperty("java.class.path"),
                "com.code_intelligence.jazzer.Jazzer", "--target_class=" + StorableFuzzTarget.class.getName(),
                "--instrumentation_includes=io.fastmmap.perl.**", "-max_total_time=" + seconds, "-timeout=30",
                "-rss_limit_mb=1536", "-artifact_prefix=" + findings + "/", corpus.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = jazzer.waitFor(seconds + 120, TimeUnit.SECONDS);
        if (!finished) {
            jazzer.destroyForcibly().waitFor();
        }
        String text = Files.readString(output);
        String tail = text.substring(Math.max(0, text.length() - 4000));
        StringBuilder found = new StringBuilder();
        try (Stream<Path> files = Files.list(findings)) {
            for (Path finding : files.toList()) {
                Files.copy(finding, INPUTS.resolve(finding.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                found.append("\n  ").append(finding.getFileName()).append(" (Base64) ")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(finding)));
            }
        }
        assertThat(found).as("findings, copied into %s; fix Storable and commit them. Fuzzer output (end):%n%s",
                INPUTS.toAbsolutePath(), tail).isEmpty();
        assertThat(Map.of("finished", finished, "exit", finished ? jazzer.exitValue() : -1))
                .as("the fuzzer ran and stopped cleanly; output (end):%n%s", tail)
                .isEqualTo(Map.of("finished", true, "exit", 0));
        assertThat(text).contains("Done ");
    }
}
