package io.fastmmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.FastMmap;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys, verify and repair as real processes, on a file damaged on purpose. */
class VerifyRepairCliTest {
    private static final int PAGE_COUNT = 4;
    private static final int PAGE_SIZE = 8192;

    @TempDir
    Path directory;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Path cacheWithKeys(int keyCount) {
        Path file = directory.resolve("cache.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).build()) {
            for (int i = 0; i < keyCount; i++) {
                cache.set(utf8("key-" + i), utf8("value-" + i));
            }
            cache.set(utf8("victim"), utf8("V".repeat(300)));
        }
        return file;
    }

    /** Overwrites bytes in the middle of the victim's value, where only its checksum can notice. */
    private static void damageVictim(Path file) throws Exception {
        byte[] content = Files.readAllBytes(file);
        byte[] pattern = utf8("V".repeat(300));
        int at = indexOf(content, pattern);
        assertThat(at).as("the victim's value is in the file").isPositive();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(utf8("XXXX")), at + 100);
        }
    }

    private static int indexOf(byte[] content, byte[] pattern) {
        for (int i = 0; i + pattern.length <= content.length; i++) {
            if (Arrays.equals(content, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldListKeysWithAndWithoutDetails() throws Exception {
        Path file = cacheWithKeys(20);

        Cli.Run keys = Cli.run("keys", file.toString());
        Cli.Run details = Cli.run("keys", file.toString(), "--long", "--limit=5");

        assertThat(keys.exitCode()).as(keys.err()).isZero();
        assertThat(keys.out().lines()).hasSize(21).contains("key-0", "key-19", "victim");
        assertThat(details.out().lines()).hasSize(5).allMatch(line -> line.contains(" bytes\texpires ")
                && line.contains("expires never"));
    }

    @Test
    void shouldFindDamageWithItsPageThenRepairIt() throws Exception {
        Path file = cacheWithKeys(20);
        assertThat(Cli.run("verify", file.toString()).exitCode()).isZero();
        damageVictim(file);

        Cli.Run verify = Cli.run("verify", file.toString());

        assertThat(verify.exitCode()).as(verify.out()).isEqualTo(Main.EXIT_DAMAGED);
        assertThat(verify.out()).containsPattern("page \\d+: .*checksum");
        assertThat(verify.err()).contains("fastmmap repair");
        assertThat(Cli.run("verify", file.toString()).exitCode()).as("verify changes nothing")
                .isEqualTo(Main.EXIT_DAMAGED);

        Cli.Run repair = Cli.run("repair", file.toString());

        assertThat(repair.exitCode()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).contains("(repaired)");
        assertThat(Cli.run("verify", file.toString()).exitCode()).isZero();
        assertThat(Cli.run("get", file.toString(), "victim").exitCode()).as("a damaged value is never served")
                .isEqualTo(Main.EXIT_ABSENT);
        try (FastMmap cache = FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(cache.get(utf8("key-" + i))).as("key-" + i + " survives the repair")
                        .isEqualTo(utf8("value-" + i));
            }
        }
    }
}
