package io.fastmmap.torture;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fastmmap.Bytes;
import io.fastmmap.CacheCorruptedException;
import io.fastmmap.DamagedCacheCheck;
import io.fastmmap.FastMmap;
import io.fastmmap.IncompatibleCacheFileException;
import io.fastmmap.internal.FixedSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * T9, fuzzing with Jazzer: the fuzzer chooses bytes to overwrite anywhere in a small, filled cache file (header,
 * process table, spare table, page directory, pages) and a short script of operations; the file is then opened,
 * verified, used (checked by {@link DamagedCacheCheck}: never a value that is not the key's own, only
 * FastMmapExceptions), repaired and verified clean. Damage to the header must be refused at open.
 *
 * <p>Every build replays the inputs in {@code src/test/resources/io/fastmmap/torture/FileFuzzTestInputs/}, and every
 * input that ever failed is kept there. {@code JAZZER_FUZZ=1} makes the same test fuzz for up to 10 minutes;
 * {@code -Dfastmmap.fuzz.seconds=N} fuzzes for N seconds in a child JVM ({@link FuzzCampaignTest}); see
 * docs/reliability.md.
 */
class FileFuzzTest {
    private static final int KEYS = 24;
    private static final int PAGE_COUNT = 2;
    private static final int PAGE_SIZE = 4096;
    private static final int HEADER_BYTES = 4096;
    private static final long HASH_SEED = 0x5EED_F022_0000_0001L;
    private static Template template;

    /** The filled file, made once per JVM. */
    private record Template(Path directory, byte[] bytes, Map<String, byte[]> values) {
    }

    private static synchronized Template template() {
        if (template == null) {
            try {
                Path directory = Files.createTempDirectory("fastmmap-fuzz-");
                Path file = directory.resolve("template.fmm");
                Map<String, byte[]> values = new HashMap<>();
                open(file).close();
                FixedSeed.apply(file, HASH_SEED, 0); // the same template in every run, so inputs replay exactly
                try (FastMmap cache = open(file)) {
                    for (int i = 0; i < KEYS; i++) {
                        cache.set(Bytes.utf8("k" + i), Bytes.filled(20 + 3 * i, i));
                    }
                    for (int i = 0; i < KEYS; i += 5) {
                        cache.remove(Bytes.utf8("k" + i));
                    }
                    for (int i = 0; i < KEYS; i++) {
                        byte[] value = cache.get(Bytes.utf8("k" + i));
                        if (value != null) {
                            values.put("k" + i, value);
                        }
                    }
                }
                template = new Template(directory, Files.readAllBytes(file), values);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return template;
    }

    private static FastMmap open(Path file) {
        return FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).build();
    }

    @FuzzTest(maxDuration = "10m")
    void damagedFilesNeverServeAnotherKeysValueAndAlwaysRepair(FuzzedDataProvider data) throws IOException {
        damageUseAndRepair(data);
    }

    /** The fuzz target, shared with {@link FileFuzzTarget} (the time-boxed campaign of {@link FuzzCampaignTest}). */
    static void damageUseAndRepair(FuzzedDataProvider data) throws IOException {
        Template known = template();
        byte[] bytes = known.bytes().clone();
        int patches = data.consumeInt(1, 24);
        for (int i = 0; i < patches; i++) {
            bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
        }
        // Bytes 0..91 are magic, checked fields and checksum; 92..95 are reserved and the rest of the 4 KiB unused.
        // (Compared at the end: a later patch may undo an earlier one, as the first fuzzing run found.)
        boolean headerDamaged = !Arrays.equals(bytes, 0, 92, known.bytes(), 0, 92);
        long seed = data.consumeLong();
        int operations = data.consumeInt(1, 100);
        Path file = known.directory().resolve("fuzzed.fmm");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
        try (FastMmap cache = open(file)) {
            assertThat(headerDamaged).as("a damaged header was accepted").isFalse();
            new DamagedCacheCheck(known.values(), KEYS).exercise(cache, seed, operations, "fuzzed file");
        } catch (IncompatibleCacheFileException refused) {
            assertThat(headerDamaged).as("an undamaged header was refused: %s", refused).isTrue();
        } catch (CacheCorruptedException refused) { // the header's checksum, or damage beyond repair at attach
            assertThat(headerDamaged || refused.getMessage().contains("recreate")).as("%s", refused).isTrue();
        }
    }
}
