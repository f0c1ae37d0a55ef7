package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm.Jdk;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four JVMs, two on JDK 17 (MappedByteBuffer engine) and two on JDK 25 (FFM engine), increment four shared counters
 * in one small cache file (7 pages of 4 KiB, so the keys share pages and the page locks are contended). With
 * {@link FastMmap#getAndSet} no increment may be lost or duplicated; the control shows that the same processes with
 * plain get-then-set do lose increments, so the test can fail.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SharedCounterTest {
    static final int PAGE_COUNT = 7;
    static final int PAGE_SIZE = 4096;
    static final int KEY_COUNT = 4;
    static final int ITERATIONS = 10_000;
    static final List<Jdk> CHILD_JDKS = List.of(Jdk.JDK17, Jdk.JDK25, Jdk.JDK17, Jdk.JDK25);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    record Round(long[] finalCounts, long[][] incrementsByChild, List<long[][]> returnedByChild, long millis) {
        long expectedOf(int key) {
            long sum = 0;
            for (long[] increments : incrementsByChild) {
                sum += increments[key];
            }
            return sum;
        }

        long total() {
            return Arrays.stream(finalCounts).sum();
        }
    }

    @Test
    void getAndSetIncrementsFromFourJvmsOfBothJdksAreNeitherLostNorDuplicated() throws IOException {
        long seed = seed();
        Round round = run("atomic", seed, 0);
        long[] expected = new long[KEY_COUNT];
        for (int k = 0; k < KEY_COUNT; k++) {
            expected[k] = round.expectedOf(k);
        }
        System.out.println("SharedCounterTest atomic: seed " + seed + ", per key expected " + Arrays.toString(expected)
                + ", read " + Arrays.toString(round.finalCounts()) + ", " + round.millis() + " ms");
        assertThat(Arrays.stream(expected).sum()).isEqualTo((long) CHILD_JDKS.size() * ITERATIONS);
        assertThat(round.total()).as("sum of all counters (seed %d)", seed).isEqualTo(40_000L);
        assertThat(round.finalCounts()).as("each key's count (seed %d)", seed).containsExactly(expected);

        // Linearizability of the increments: the values getAndSet returned for a key, over all processes, are
        // exactly 1..n, each once; a lost or duplicated increment would show as a repeated or missing value.
        for (int k = 0; k < KEY_COUNT; k++) {
            BitSet seen = new BitSet();
            List<String> duplicates = new ArrayList<>();
            for (int child = 0; child < round.returnedByChild().size(); child++) {
                long previous = 0;
                for (long value : round.returnedByChild().get(child)[k]) {
                    assertThat(value).as("key %d, child %d: returned values grow within a process (seed %d)", k,
                            child, seed).isGreaterThan(previous);
                    previous = value;
                    assertThat(value).as("key %d value in 1..%d", k, expected[k]).isBetween(1L, expected[k]);
                    if (seen.get((int) value) && duplicates.size() < 10) {
                        duplicates.add("value " + value + " returned twice (second time to child " + child + ")");
                    }
                    seen.set((int) value);
                }
            }
            assertThat(duplicates).as("key %d (seed %d)", k, seed).isEmpty();
            assertThat(seen.cardinality()).as("distinct values returned for key %d (seed %d)", k, seed)
                    .isEqualTo((int) expected[k]);
        }
    }

    @Test
    void controlPlainGetThenSetFromTheSameJvmsLosesUpdates() throws IOException {
        long seed = seed();
        int attempts = 3;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Round round = run("racy", seed + attempt, attempt);
            long expectedTotal = (long) CHILD_JDKS.size() * ITERATIONS;
            System.out.println("SharedCounterTest control attempt " + attempt + ": seed " + (seed + attempt)
                    + ", total " + round.total() + " of " + expectedTotal + " (" + (expectedTotal - round.total())
                    + " increments lost), per key " + Arrays.toString(round.finalCounts()) + ", " + round.millis()
                    + " ms");
            for (int k = 0; k < KEY_COUNT; k++) {
                // Racing increments can lose updates, never invent them.
                assertThat(round.finalCounts()[k]).as("key %d", k).isBetween(1L, round.expectedOf(k));
            }
            if (round.total() < expectedTotal) {
                assertThat(round.total()).isLessThan(expectedTotal);
                return;
            }
        }
        Assumptions.abort("plain get-then-set lost no update in " + attempts + " attempts (seed " + seed
                + "): the processes never overlapped, so this run cannot show that the counter test can fail");
    }

    private Round run(String mode, long seed, int attempt) throws IOException {
        Path file = dir.resolve("counters-" + mode + "-" + attempt + ".fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).recreate(true)
                .build()) {
            for (int k = 0; k < KEY_COUNT; k++) {
                assertThat(cache.get(CounterChild.key(k))).isNull();
            }
        }
        List<ChildJvm> children = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        for (int i = 0; i < CHILD_JDKS.size(); i++) {
            Path result = dir.resolve("result-" + mode + "-" + attempt + "-" + i + ".bin");
            results.add(result);
            children.add(jvms.start("counter-" + mode + "-" + i, CHILD_JDKS.get(i), CounterChild.class,
                    file.toString(), Integer.toString(PAGE_COUNT), Integer.toString(PAGE_SIZE),
                    Integer.toString(KEY_COUNT), Integer.toString(ITERATIONS), mode, Long.toString(seed * 31 + i),
                    result.toString()));
        }
        for (ChildJvm child : children) {
            String ready = child.awaitLine("READY", Duration.ofSeconds(90));
            System.out.println("  " + child + ": " + ready);
            assertEngineOfJdk(child, ready);
        }
        long start = System.nanoTime();
        for (ChildJvm child : children) {
            child.send("GO"); // all at once, so the processes overlap
        }
        long[][] increments = new long[children.size()][];
        for (int i = 0; i < children.size(); i++) {
            ChildJvm child = children.get(i);
            String done = child.awaitLine("DONE", Duration.ofSeconds(150));
            assertThat(child.waitFor(Duration.ofSeconds(30))).as("exit code of %s", child.describe()).isZero();
            String[] parts = done.split(" ");
            increments[i] = new long[KEY_COUNT];
            for (int k = 0; k < KEY_COUNT; k++) {
                increments[i][k] = Long.parseLong(parts[1 + k]);
            }
            assertThat(Arrays.stream(increments[i]).sum()).as("increments of %s", child).isEqualTo(ITERATIONS);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<long[][]> returned = new ArrayList<>();
        for (Path result : results) {
            returned.add(readReturned(result));
        }
        long[] counts = new long[KEY_COUNT];
        try (FastMmap cache = FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).build()) {
            for (int k = 0; k < KEY_COUNT; k++) {
                byte[] value = cache.get(CounterChild.key(k));
                assertThat(value).as("counter %d", k).isNotNull().hasSize(Long.BYTES);
                counts[k] = java.nio.ByteBuffer.wrap(value).getLong();
            }
            System.out.println("  stats " + cache.stats());
        }
        return new Round(counts, increments, returned, millis);
    }

    /**
     * A child on Java 22+ must run the multi-release jar's versioned (FFM) classes, one on Java 17 the base
     * (MappedByteBuffer) ones; and when the build passed two JDKs, the JDK 17 children must be the ones below 22:
     * otherwise this test would not mix the two implementations it is meant to mix.
     */
    private static void assertEngineOfJdk(ChildJvm child, String ready) {
        String variant = ready.replaceAll(".* engine=(\\S+) .*", "$1");
        int feature = Runtime.Version.parse(ready.replaceAll("^READY jvm=(\\S+) .*", "$1")).feature();
        if (!Jdk.JDK17.java().equals(Jdk.JDK25.java())) {
            assertThat(feature >= 22).as("%s runs Java %d: %s", child, feature, ready)
                    .isEqualTo(child.jdk() == Jdk.JDK25);
        }
        if (variant.equals("unknown")) {
            System.out.println("  (" + child + " did not load the engine from a jar: cannot tell which implementation "
                    + "it runs)");
            return;
        }
        assertThat(variant).as("engine classes loaded by %s: %s", child, ready)
                .isEqualTo(feature >= 22 ? "versioned" : "base");
    }

    private static long[][] readReturned(Path result) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(result)))) {
            int keys = in.readInt();
            long[][] values = new long[keys][];
            for (int k = 0; k < keys; k++) {
                in.readInt(); // increments, also on the DONE line
                values[k] = new long[in.readInt()];
                for (int j = 0; j < values[k].length; j++) {
                    values[k][j] = in.readLong();
                }
            }
            return values;
        }
    }

    static long seed() {
        String configured = System.getProperty("fastmmap.test.seed");
        return configured != null ? Long.parseLong(configured) : System.nanoTime() & 0xFFFFFFFFL;
    }
}
