package io.fastmmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.process.ExternalTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command on files of Perl's Cache::FastMmap 1.57, with real Perl processes on the other side: Perl writes and the
 * command reads, the command writes and Perl reads. Skipped where Perl's Cache::FastMmap is not installed, unless
 * -Dfastmmap.perl.require=true (CI).
 */
class PerlFileCliTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    /** Opens $ARGV[0] as the tests' Perl processes do: 5 pages of 8 KiB, kept when they exit. */
    private static final String OPEN = "use utf8; binmode STDOUT, ':utf8'; my $file = shift @ARGV; "
            + "sub cache { Cache::FastMmap->new(share_file => $file, num_pages => 5, page_size => 8192, "
            + "unlink_on_exit => 0, @_) } my $c = cache(); my $raw = cache(raw_values => 1); ";

    @TempDir
    Path directory;

    /** Runs the Perl code (after {@link #OPEN}) on the file; returns its output; fails when Perl fails. */
    private static String perl(Path file, String code) throws IOException, InterruptedException {
        Process perl = new ProcessBuilder("perl", "-MCache::FastMmap", "-e", OPEN + code, file.toString())
                .redirectErrorStream(true).start();
        String output = new String(perl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(perl.waitFor()).as("perl %s: %s", code, output).isZero();
        return output;
    }

    private Path perlFile() throws IOException, InterruptedException {
        Path file = directory.resolve("share");
        perl(file, "$c->set('plain', 'hello'); $c->set('user', {name => 'møøse', roles => ['admin'], n => 42}); "
                + "$raw->set('bytes', 'raw bytes'); $raw->set('gone', 'x', 1); "
                + "my $s = cache(enable_stats => 1); $s->get('plain') for 1..3; $s->get('nope');");
        return file;
    }

    private static Cli.Run ok(String... args) throws IOException, InterruptedException {
        Cli.Run run = Cli.run(args);
        assertThat(run.exitCode()).as("fastmmap %s: %s", String.join(" ", args), run.err()).isZero();
        return run;
    }

    @Test
    void shouldShowWhatPerlWrote() throws Exception {
        Path file = perlFile();
        String path = file.toString();
        Thread.sleep(2100); // 'gone' expires: Perl stores whole seconds

        assertThat(ok("info", path).out()).contains("Cache::FastMmap (Perl)", "5 x 8 KiB (8192 bytes)",
                "num_pages => 5, page_size => 8192", "40 KiB (40960 bytes)");
        assertThat(ok("stats", path).out()).containsPattern("entries: +4 ").containsPattern("reads: +4 ")
                .containsPattern("read hits: +3 ");
        assertThat(ok("stats", path, "--format=json").out()).startsWith("{\"file\":\"" + path
                + "\",\"format\":\"Cache::FastMmap\",\"entries\":4,\"usedBytes\":").endsWith(",\"reads\":4,\"readHits\":3}\n");
        String prometheus = ok("stats", path, "--format=prometheus").out();
        assertThat(prometheus).contains("fastmmap_entries{file=\"" + path + "\"} 4\n",
                "# TYPE fastmmap_reads_total counter\nfastmmap_reads_total{file=\"" + path + "\"} 4\n");
        assertThat(prometheus.lines().filter(line -> !line.startsWith("# ")))
                .hasSize(5).allMatch(line -> line.matches("fastmmap_[a-z_]+\\{file=\"[^\"]+\"} \\d+"));
        assertThat(ok("keys", path).out().lines()).containsExactlyInAnyOrder("plain", "user", "bytes");
        assertThat(ok("keys", path, "-l").out()).contains("bytes\t9 bytes\texpires never\tflags 0");

        assertThat(ok("get", path, "bytes").out()).isEqualTo("raw bytes\n");
        assertThat(ok("get", path, "plain", "--perl-serializer=storable").out()).isEqualTo("\"hello\"\n");
        // Perl's hash order is its own (random per process).
        assertThat(ok("get", path, "user", "--perl-serializer=storable").out()).startsWith("{").endsWith("}\n")
                .contains("\"n\":42", "\"name\":\"møøse\"", "\"roles\":[\"admin\"]").hasSize(42);
        Cli.Run storable = Cli.run("get", path, "user");
        assertThat(storable.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(storable.err()).contains(path + ": the value of 'user'", "looks like Perl's Storable",
                "--perl-serializer=storable");
        assertThat(ok("get", path, "plain", "--perl-serializer=raw", "--format=hex").out()).startsWith("040b");
        Cli.Run notStorable = Cli.run("get", path, "bytes", "--perl-serializer=storable");
        assertThat(notStorable.err()).contains("is not Storable data", "--perl-serializer=raw");
        Cli.Run gone = Cli.run("get", path, "gone");
        assertThat(gone.exitCode()).isEqualTo(Main.EXIT_ABSENT);
        assertThat(gone.err()).contains(path + ": no key 'gone'");

        Cli.Run verify = ok("verify", path);
        assertThat(verify.out()).contains("5 pages checked, no damage");
    }

    @Test
    void shouldWriteWhatPerlReads() throws Exception {
        Path file = perlFile();
        String path = file.toString();

        ok("set", path, "text", "grüß dich");
        ok("set", path, "typed", "grüß dich", "--perl-serializer=storable", "--ttl=1h");
        Cli.runWithInput(new byte[] {0, (byte) 0xFF, 10}, "set", path, "binary", "--stdin");
        ok("rm", path, "plain");
        assertThat(Cli.run("rm", path, "plain").exitCode()).isEqualTo(Main.EXIT_ABSENT);

        assertThat(perl(file, "print join('|', $raw->get('text'), length $raw->get('text'), $c->get('typed'), "
                + "unpack('H*', $raw->get('binary')), defined $c->get('plain') ? 'still there' : 'removed', "
                + "$c->get('user')->{name});"))
                .isEqualTo("grüß dich|9|grüß dich|00ff0a|removed|møøse");
        // Perl's own expiry: about an hour from now, in whole seconds.
        String expiry = perl(file, "my ($e) = grep { $_->{key} eq 'typed' } $raw->get_keys(2); "
                + "print $e->{expire_on} - time;");
        assertThat(Long.parseLong(expiry)).isBetween(3590L, 3600L);

        ok("clear", path);
        assertThat(perl(file, "my @keys = $c->get_keys(0); print scalar @keys;")).isEqualTo("0");
        assertThat(ok("keys", path).out()).isEmpty();
    }

    @Test
    void shouldWaitForAPageLockPerlHoldsAndChangeNothing() throws Exception {
        Path file = perlFile();
        // Perl's get_and_set holds the key's page lock while its function runs.
        Process holder = new ProcessBuilder("perl", "-MCache::FastMmap", "-e", OPEN + "$| = 1; "
                + "$raw->get_and_set('bytes', sub { print \"locked\\n\"; sleep 8; return 'perl wins' });",
                file.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");

            Cli.Run blocked = Cli.run("set", file.toString(), "bytes", "java", "--lock-timeout=1s");

            assertThat(blocked.exitCode()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(blocked.err()).startsWith("fastmmap: ").contains(file.toString(), "page")
                    .doesNotContain("\tat ");
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).isZero();
        } finally {
            holder.destroyForcibly();
        }
        assertThat(ok("get", file.toString(), "bytes").out()).isEqualTo("perl wins\n");
    }

    @Test
    void shouldCreateAFileThatPerlOpensWithTheSameOptions() throws Exception {
        Path file = directory.resolve("created");
        Cli.Run create = ok("create", file.toString(), "--format=perl", "--cache-size=1m");
        assertThat(create.out()).contains("21 pages of 64 KiB", "num_pages => 21, page_size => 65536");
        ok("set", file.toString(), "from", "java");

        // Perl deletes and re-creates a file whose size is not its own: the value surviving proves the geometry.
        Process perl = new ProcessBuilder("perl", "-MCache::FastMmap", "-e", "print Cache::FastMmap->new(share_file "
                + "=> $ARGV[0], cache_size => '1m', unlink_on_exit => 0, raw_values => 1)->get('from')",
                file.toString()).redirectErrorStream(true).start();
        assertThat(new String(perl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("java");
        assertThat(perl.waitFor()).isZero();

        Cli.Run again = Cli.run("create", file.toString(), "--format=perl");
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(again.err()).contains(file + " is a Cache::FastMmap (Perl) cache file", "left untouched");
    }

    @Test
    void shouldReportDamageAndLeaveRepairToPerl() throws Exception {
        Path file = perlFile();
        String path = file.toString();
        // Page 2's slot table: its first slot points far outside the page.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer slots = ByteBuffer.allocate(4 * 89).order(ByteOrder.nativeOrder());
            for (int slot = 0; slot < 89; slot++) {
                slots.putInt(slot * 4, 0x7FFF0000);
            }
            channel.write(slots, 2 * 8192 + 32);
        }
        byte[] damaged = Files.readAllBytes(file);

        Cli.Run verify = Cli.run("verify", path);
        assertThat(verify.exitCode()).as(verify.err()).isEqualTo(Main.EXIT_DAMAGED);
        assertThat(verify.out()).contains("5 pages checked, 1 finding(s)", "page 2");
        assertThat(verify.err()).contains("test_file => 1");
        Cli.Run repair = Cli.run("repair", path);
        assertThat(repair.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(repair.err()).contains(path + " is a Cache::FastMmap (Perl) cache file", "does not repair",
                "test_file => 1");
        List<String> refused = new ArrayList<>();
        for (String command : new String[] {"bench", "create"}) {
            Cli.Run run = command.equals("bench") ? Cli.run("bench", path, "--use-existing")
                    : Cli.run("create", path, "--force");
            assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
            refused.add(run.err());
        }
        assertThat(refused).allMatch(err -> err.contains(path + " is a Cache::FastMmap (Perl) cache file"));
        assertThat(Files.readAllBytes(file)).as("nothing was changed").isEqualTo(damaged);
    }
}
