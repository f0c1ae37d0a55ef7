package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * T9, the fuzzing campaign ({@code .ci/run} runs it for ten minutes; see docs/reliability.md):
 * {@code -Dfastmmap.fuzz.seconds=N} runs {@link FileFuzzTarget} (the target of
 * {@link FileFuzzTest}) under Jazzer's command line in a child JVM for N seconds, with the engine instrumented for
 * coverage; without the property (developers' {@code ./run-tests.sh}) it is skipped. The fuzzer starts from every
 * input the build replays and grows a corpus in {@code target/fuzz-campaign/corpus} (kept between local runs).
 *
 * <p>A finding fails the test and is copied into {@link #INPUTS} under the name Jazzer gave it, so that it is
 * replayed by {@link FileFuzzTest} in every build from then on: fix the engine, commit the input. The failure message
 * also carries the input in Base64, for a finding of a CI machine whose working tree is thrown away.
 */
class FuzzCampaignTest {
    static final Path INPUTS = Path.of("src/test/resources/io/fastmmap/torture/FileFuzzTestInputs/"
            + "damagedFilesNeverServeAnotherKeysValueAndAlwaysRepair");
    private static final List<String> FINDING_PREFIXES = List.of("crash-", "timeout-", "oom-", "leak-");

    @Test
    void fuzzingForTheGivenTimeShouldFindNothing() throws Exception {
        long seconds = Long.getLong("fastmmap.fuzz.seconds", 0);
        Assumptions.assumeTrue(seconds > 0,
                "no fuzzing campaign: -Dfastmmap.fuzz.seconds is not set (e.g. 600 for ten minutes)");
        assertThat(INPUTS).as("the replayed inputs (the test runs in the module's directory)").isDirectory();
        Path work = Path.of("target", "fuzz-campaign").toAbsolutePath();
        Path corpus = Files.createDirectories(work.resolve("corpus"));
        Path findings = Files.createDirectories(work.resolve("findings"));
        clear(findings);
        try (Stream<Path> seeds = Files.list(INPUTS)) {
            for (Path seed : seeds.toList()) {
                Files.copy(seed, corpus.resolve(seed.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Xlog:gc:file=" + work.resolve("gc.log"), // tells a stalled fuzzing JVM from a slow input
                "-XX:+EnableDynamicAgentLoading", // Jazzer attaches its instrumentation agent at run time
                "-cp", System.getProperty("java.class.path"), "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + FileFuzzTarget.class.getName(), "--instrumentation_includes=io.fastmmap.**",
                "--reproducer_path=" + findings, "-max_total_time=" + seconds, "-timeout=60",
                "-artifact_prefix=" + findings + "/", corpus.toString()));
        String seed = System.getProperty("fastmmap.fuzz.seed");
        if (seed != null) { // repeats libFuzzer's choices, not the run: the engine's coverage differs run to run
            command.add(command.size() - 1, "-seed=" + Long.parseUnsignedLong(seed));
        }
        Path output = work.resolve("output.txt");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(seconds + 300, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String text = Files.readString(output);
        List<String> summary = text.lines().filter(line -> line.contains("DONE") || line.startsWith("Done ")
                || line.contains("INITED")).toList();
        System.out.printf("FuzzCampaignTest: %d s asked, %d s taken, exit %s, corpus %d inputs%n  %s%n", seconds,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), finished ? process.exitValue() : "-",
                count(corpus), String.join("\n  ", summary));
        List<Path> found = keepFindings(findings);
        if (!found.isEmpty()) {
            StringBuilder message = new StringBuilder(found.size() + " finding(s), copied into "
                    + INPUTS.toAbsolutePath() + " so that FileFuzzTest replays them; fix the engine and commit them:");
            for (Path finding : found) {
                message.append("\n  ").append(finding.getFileName()).append(" (Base64) ")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(finding)));
            }
            fail(message + "\nfuzzer output (end):\n" + tail(text));
        }
        assertThat(finished).as("the fuzzer stopped within %d s; output:%n%s", seconds + 300, tail(text)).isTrue();
        assertThat(process.exitValue()).as("fuzzer exit code; output:%n%s", tail(text)).isZero();
        assertThat(summary).as("the fuzzer ran; output:%n%s", tail(text)).isNotEmpty();
    }

    private static List<Path> keepFindings(Path findings) throws IOException {
        List<Path> kept = new ArrayList<>();
        try (Stream<Path> files = Files.list(findings)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (FINDING_PREFIXES.stream().anyMatch(name::startsWith)) {
                    kept.add(Files.copy(file, INPUTS.resolve(name), StandardCopyOption.REPLACE_EXISTING));
                }
            }
        }
        return kept;
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }
}
