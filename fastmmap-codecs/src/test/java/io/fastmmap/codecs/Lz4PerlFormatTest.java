package io.fastmmap.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fastmmap.CodecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lz4Compression's bytes are Compress::LZ4's (the module behind Cache::FastMmap's {@code compressor => 'lz4'}),
 * checked against the real Perl module, and a forged length prefix cannot make it allocate more than the block
 * can decompress to.
 */
class Lz4PerlFormatTest {
    private static final HexFormat HEX = HexFormat.of();
    private final Lz4Compression lz4 = Lz4Compression.instance();

    @Test
    void shouldReadWhatPerlsCompressLz4WritesAndWriteWhatItReads() {
        String text = "Grüße, café! ".repeat(40) + "the end";
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);

        byte[] fromPerl = HEX.parseHex(perl("print unpack('H*', Compress::LZ4::compress(pack('H*', $ARGV[0])))",
                HEX.formatHex(raw)));
        assertThat(fromPerl[0] & 0xFF).as("Compress::LZ4 writes the length little-endian")
                .isEqualTo(raw.length & 0xFF);
        assertThat(lz4.decompress(fromPerl)).isEqualTo(raw);

        byte[] fromJava = lz4.compress(raw);
        assertThat(HEX.parseHex(perl("print unpack('H*', Compress::LZ4::decompress(pack('H*', $ARGV[0])))",
                HEX.formatHex(fromJava)))).isEqualTo(raw);
    }

    @Test
    void shouldRefuseALengthPrefixTheBlockCannotDecompressTo() {
        byte[] packed = lz4.compress("small".getBytes(StandardCharsets.UTF_8));
        // A forged prefix of 512 MiB in front of a 6-byte block: lz4 expands at most 255 times, so this is a lie
        // found before any allocation.
        byte[] forged = packed.clone();
        forged[0] = 0;
        forged[1] = 0;
        forged[2] = 0;
        forged[3] = 0x20;
        long before = allocatedBytes();
        assertThatThrownBy(() -> lz4.decompress(forged)).isInstanceOf(CodecException.class)
                .hasMessageContaining("Lz4Compression").hasMessageContaining("536870912");
        assertThat(allocatedBytes() - before).as("bytes allocated while refusing the forged prefix")
                .isLessThan(1 << 20);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    /** Runs a one-line Perl program with Compress::LZ4 loaded; skips when Perl or the module is missing. */
    private static String perl(String program, String argument) {
        boolean required = Boolean.getBoolean("fastmmap.e2e.require");
        try {
            Process process = new ProcessBuilder(List.of("perl", "-MCompress::LZ4", "-e", program, argument))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (process.exitValue() != 0 && !required) {
                assumeThat(process.exitValue()).as("Perl's Compress::LZ4 (Debian libcompress-lz4-perl) is not "
                        + "installed; -Dfastmmap.e2e.require=true makes this a failure").isZero();
            }
            assertThat(process.exitValue()).as("perl -MCompress::LZ4 exit status").isZero();
            return out.trim();
        } catch (IOException e) {
            assumeThat(required).as("perl is not installed: " + e.getMessage()).isTrue();
            throw new AssertionError("perl is required (fastmmap.e2e.require) but cannot run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
