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
     * first finding kept here: arrays nested without references, which Perl never writes, thawed, froze with a
     * reference per level and were refused on the second thaw).
     */
    @Test
    void whateverThawsFreezesAndThawsAgainAtTheDepthLimit() {
        Object deepest = deepest(true);
        Object thawed = Storable.thaw(Storable.freeze(deepest));
        assertThat(Storable.freeze(thawed)).isEqualTo(Storable.freeze(deepest));
        Object tooDeep = List.of(deepest);
        assertThatThrownBy(() -> Storable.freeze(tooDeep)).isInstanceOf(CodecException.class)
                .hasMessageContaining("deeper than " + Storable.MAX_DEPTH).hasMessageContaining("$value[0] (blessed Deep)[0]")
                .hasMessageContaining(" ... ").message().hasSizeLessThan(400);
    }

    /**
     * The campaign's child JVM gets an 8 MiB stack because Jazzer's instrumentation makes each frame several times
     * larger; in production the deepest values, read and written, and hostile chains of references past them, need
     * less than a quarter of a thread's default 1 MiB stack, even before the JIT compiles the reader.
     */
    @Test
    void theDeepestValuesNeedLessThanAQuarterOfTheDefaultStack() throws Exception {
        for (boolean objects : new boolean[] {false, true}) {
            Object deepest = deepest(objects);
            byte[] references = Arrays.copyOf(Storable.NATIVE_HEADER, Storable.NATIVE_HEADER.length + 100_000);
            Arrays.fill(references, Storable.NATIVE_HEADER.length, references.length, (byte) Storable.SX_REF);
            Object[] outcome = new Object[3];
            Thread small = new Thread(null, () -> {
                try {
                    byte[] frozen = Storable.freeze(deepest);
                    outcome[0] = Storable.freeze(Storable.thaw(frozen));
                    outcome[1] = frozen;
                    outcome[2] = Storable.thaw(references);
                } catch (Throwable t) {
                    outcome[2] = t;
                }
            }, "quarter-stack", 256 * 1024);
            small.start();
            small.join();
            assertThat(outcome[2]).isInstanceOf(CodecException.class).asString().contains("deeper than");
            assertThat((byte[]) outcome[0]).isEqualTo((byte[]) outcome[1]);
        }
    }

    /** The deepest value the writer takes: lists one level each, PerlObjects of lists two. */
    private static Object deepest(boolean objects) {
        Object deepest = List.of();
        for (int depth = 0; depth < Storable.MAX_DEPTH; ) {
            boolean object = objects && depth % 3 == 0 && depth + 2 <= Storable.MAX_DEPTH;
            deepest = object ? new PerlObject("Deep", List.of(deepest)) : List.of(deepest);
            depth += object ? 2 : 1;
        }
        return deepest;
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
