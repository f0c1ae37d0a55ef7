package io.fastmmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command run as a real process against a real file that this JVM (another JDK) shares. */
class CliTest {
    @TempDir
    Path directory;

    private Path newCache() {
        Path file = directory.resolve("cache.fmm");
        FastMmap.builder(file).pageCount(5).pageSize(8192).build().close();
        return file;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A failure is one line naming the problem, never a stack trace. */
    private static void assertOneLineError(Cli.Run run, int exitCode, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.err().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("fastmmap: ").contains(fragments).doesNotContain("\tat ");
    }

    @Test
    void shouldDescribeTheFile() throws Exception {
        Path file = newCache();

        Cli.Run run = Cli.run("info", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("fastmmap v2").contains("5 x 8 KiB (8192 bytes)")
                .contains("40 KiB (40960 bytes)").contains("rw-------");
    }

    @Test
    void shouldSetGetAndRemoveWhatThisJvmSeesToo() throws Exception {
        Path file = newCache();

        assertThat(Cli.run("set", file.toString(), "greeting", "grüß dich").exitCode()).isZero();
        try (FastMmap cache = FastMmap.builder(file).pageCount(5).pageSize(8192).build()) {
            assertThat(new String(cache.get(utf8("greeting")), StandardCharsets.UTF_8)).isEqualTo("grüß dich");
            cache.set(utf8("binary"), new byte[] {0, (byte) 0xFF, 10});
        }
        assertThat(Cli.run("get", file.toString(), "greeting").out()).isEqualTo("grüß dich\n");
        assertThat(Cli.run("get", file.toString(), "binary", "--format=hex").out()).isEqualTo("00ff0a\n");
        assertThat(Cli.run("get", file.toString(), "binary", "--format=raw").outBytes())
                .containsExactly(0, 0xFF, 10);
        assertOneLineError(Cli.run("get", file.toString(), "binary"), Main.EXIT_FAILURE, "not UTF-8 text",
                "--format hex");

        assertThat(Cli.run("rm", file.toString(), "greeting").exitCode()).isZero();
        assertOneLineError(Cli.run("get", file.toString(), "greeting"), Main.EXIT_ABSENT, "no key 'greeting'");
        assertOneLineError(Cli.run("rm", file.toString(), "greeting"), Main.EXIT_ABSENT, "no key 'greeting'");
    }

    @Test
    void shouldTakeBinaryKeysInHexAndValuesFromStandardInput() throws Exception {
        Path file = newCache();
        byte[] value = new byte[3000];
        new Random(7).nextBytes(value);

        Cli.Run set = Cli.runWithInput(value, "set", file.toString(), "--hex", "00ff", "--stdin");

        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(Cli.run("get", file.toString(), "--hex", "00ff", "--format=raw").outBytes()).isEqualTo(value);
        assertOneLineError(Cli.run("get", file.toString(), "--hex", "0g"), Main.EXIT_FAILURE, "not hexadecimal");
        assertOneLineError(Cli.run("set", file.toString(), "k"), Main.EXIT_FAILURE, "either VALUE or --stdin");
    }

    @Test
    void shouldPurgeAndClear() throws Exception {
        Path file = newCache();
        // Written by a process whose clock is an hour behind: expired for everyone else's.
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (FastMmap cache = FastMmap.builder(file).pageCount(5).pageSize(8192).clock(past).build()) {
            cache.set(utf8("old"), utf8("x"), Duration.ofMinutes(1));
            cache.set(utf8("kept"), utf8("y"));
        }
        assertThat(Cli.run("get", file.toString(), "old").exitCode()).isEqualTo(Main.EXIT_ABSENT);

        assertThat(Cli.run("purge", file.toString()).exitCode()).isZero();

        assertThat(Cli.run("stats", file.toString()).out()).contains("expirations:     1");
        assertThat(Cli.run("get", file.toString(), "kept").out()).isEqualTo("y\n");
        assertThat(Cli.run("clear", file.toString()).exitCode()).isZero();
        assertThat(Cli.run("get", file.toString(), "kept").exitCode()).isEqualTo(Main.EXIT_ABSENT);
    }

    @Test
    void shouldWatchLineByLineIntoAPipe() throws Exception {
        Path file = newCache();

        Cli.Run run = Cli.run("watch", file.toString(), "--count=3", "--interval=50ms");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(3).allMatch(line -> line.contains("evictions=0"));
    }

    @Test
    void shouldBenchmarkInOneAndInTwoProcesses() throws Exception {
        Path file = directory.resolve("bench.fmm");

        Cli.Run one = Cli.run("bench", file.toString(), "--keys=500", "--value-size=100", "--duration=1s",
                "--warmup=200ms", "--threads=2", "--progress");
        Cli.Run refused = Cli.run("bench", file.toString(), "--keys=500", "--duration=1s");
        Cli.Run two = Cli.run("bench", file.toString(), "--keys=500", "--value-size=100", "--duration=1s",
                "--warmup=200ms", "--processes=2", "--reads=50", "--use-existing");

        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(one.out()).contains("1 process(es) x 2 thread(s), 500 keys, 100-byte values, 90% reads")
                .containsPattern("throughput: [\\d,]+ ops/s").containsPattern("get: p50 .* p99 .* p99\\.9 ");
        assertThat(one.err()).contains("[").contains("%");
        assertOneLineError(refused, Main.EXIT_FAILURE, "exists", "--use-existing");
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(two.out()).contains("2 process(es)").containsPattern("set: p50 .*\\((\\d+)\\)");
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void shouldExplainBadInputInOneLine() throws Exception {
        Path missing = directory.resolve("missing.fmm");
        assertOneLineError(Cli.run("get", missing.toString(), "k"), Main.EXIT_FAILURE, missing.toString(),
                "does not exist");
        assertThat(Files.exists(missing)).as("a reading command never creates a file").isFalse();

        Path notACache = Files.writeString(directory.resolve("notes.txt"), "x".repeat(200));
        assertOneLineError(Cli.run("info", notACache.toString()), Main.EXIT_FAILURE, "not a fastmmap cache file");
        assertThat(Files.readString(notACache)).isEqualTo("x".repeat(200));

        Cli.Run badDuration = Cli.run("set", newCache().toString(), "k", "v", "--ttl=soon");
        assertThat(badDuration.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(badDuration.err()).contains("'soon' is not a duration");
    }

    @Test
    void shouldCreateAFileThatOtherProcessesOpenWithItsGeometry() throws Exception {
        Path file = directory.resolve("new/cache.fmm");

        Cli.Run created = Cli.run("create", file.toString(), "--cache-size=64k", "--page-size=8k");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("created " + file).contains("8 pages of 8 KiB");
        try (FastMmap cache = FastMmap.builder(file).pageCount(8).pageSize(8192).build()) {
            cache.set(utf8("k"), utf8("v"));
        }
        assertOneLineError(Cli.run("create", file.toString(), "--page-size=4k"), Main.EXIT_FAILURE,
                "already exists", "--force");
        assertThat(Cli.run("get", file.toString(), "k").out()).as("a refused create changes nothing").isEqualTo("v\n");

        Cli.Run recreated = Cli.run("create", file.toString(), "--page-count=3", "--page-size=4k", "--force");

        assertThat(recreated.exitCode()).as(recreated.err()).isZero();
        assertThat(Cli.run("info", file.toString()).out()).contains("3 x 4 KiB");
        assertThat(Cli.run("get", file.toString(), "k").exitCode()).isEqualTo(Main.EXIT_ABSENT);
        Cli.Run help = Cli.run("create", "--help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).contains("--cache-size=SIZE", "--page-size=SIZE", "--force");
    }

    @Test
    void shouldAdviseCommandOptionsNotBuilderMethods() throws Exception {
        Path file = directory.resolve("cache.fmm");
        Cli.Run badPage = Cli.run("create", file.toString(), "--page-size=5000");
        assertOneLineError(badPage, Main.EXIT_FAILURE, "--page-size=5000", "multiple of 4096");
        assertThat(badPage.err()).doesNotContain("pageSize");
        assertOneLineError(Cli.run("create", file.toString(), "--cache-size=64k", "--page-size=8k", "--page-count=3"),
                Main.EXIT_FAILURE, "--cache-size", "--page-count", "--page-size");

        Cli.Run missing = Cli.run("set", file.toString(), "k", "v");
        assertOneLineError(missing, Main.EXIT_FAILURE, file + " does not exist",
                "fastmmap create " + file + " --cache-size=");
        assertThat(Files.exists(file)).isFalse();

        Path notACache = Files.writeString(directory.resolve("notes.txt"), "x".repeat(200));
        Cli.Run foreign = Cli.run("stats", notACache.toString());
        assertOneLineError(foreign, Main.EXIT_FAILURE, "not a fastmmap cache file",
                "`fastmmap create " + notACache + " --force`");
        assertThat(foreign.err()).doesNotContain("recreate(");
    }

    @Test
    void shouldPrintStatsAsJsonAndForPrometheus() throws Exception {
        Path file = newCache();
        assertThat(Cli.run("set", file.toString(), "k", "v").exitCode()).isZero();

        Cli.Run json = Cli.run("stats", file.toString(), "--format=json");
        Cli.Run prometheus = Cli.run("stats", file.toString(), "--format=prometheus");

        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out().lines()).hasSize(1);
        assertThat(json.out()).startsWith("{\"file\":\"" + file + "\",\"format\":\"fastmmap\",\"entries\":1,"
                + "\"usedBytes\":")
                .containsPattern("\"freeBytes\":[1-9]\\d*,\"evictions\":0,\"expirations\":0,\"pageRepairs\":0,"
                        + "\"lockRecoveries\":0}\n$");
        assertThat(prometheus.exitCode()).as(prometheus.err()).isZero();
        assertThat(prometheus.out()).contains("# TYPE fastmmap_entries gauge\nfastmmap_entries{file=\"" + file
                + "\"} 1\n").contains("# TYPE fastmmap_evictions_total counter\n")
                .containsPattern("(?m)^fastmmap_free_bytes\\{file=\"[^\"]+\"} [1-9]\\d*$");
        // Every sample line is "name{labels} integer", as the textfile collector requires.
        assertThat(prometheus.out().lines().filter(line -> !line.startsWith("# ")))
                .hasSize(7).allMatch(line -> line.matches("fastmmap_[a-z_]+\\{file=\"[^\"]+\"} \\d+"));
        Cli.Run xml = Cli.run("stats", file.toString(), "--format=xml");
        assertThat(xml.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(xml.err()).contains("'xml'", "[text, json, prometheus]");
    }

    @Test
    void shouldNameADamagedCacheFastMmapFileAndLeaveItUntouched() throws Exception {
        // A Cache::FastMmap 1.57 page header with the page start marker 0x92F7E3B1, 89 slots, 89 free, 0 old, but
        // no free-space fields: no page size can be told from it.
        Path perlFile = directory.resolve("perl.fmm");
        ByteBuffer page = ByteBuffer.allocate(65536).order(ByteOrder.LITTLE_ENDIAN);
        page.putInt(0x92F7E3B1).putInt(89).putInt(89).putInt(0);
        Files.write(perlFile, page.array());
        byte[] before = Files.readAllBytes(perlFile);

        for (String[] args : new String[][] {{"info"}, {"stats"}, {"get", "k"}, {"set", "k", "v"}, {"clear"}}) {
            String[] command = new String[args.length + 1];
            command[0] = args[0];
            command[1] = perlFile.toString();
            System.arraycopy(args, 1, command, 2, args.length - 1);
            assertOneLineError(Cli.run(command), Main.EXIT_FAILURE,
                    perlFile + " looks like a Cache::FastMmap file", "damaged", "Nothing was changed");
        }
        assertOneLineError(Cli.run("create", perlFile.toString(), "--force"), Main.EXIT_FAILURE,
                perlFile + " is a Cache::FastMmap (Perl) cache file", "left untouched");
        assertThat(Files.readAllBytes(perlFile)).isEqualTo(before);
    }
}
