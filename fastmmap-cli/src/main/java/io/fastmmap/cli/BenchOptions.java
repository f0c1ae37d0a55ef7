package io.fastmmap.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The workload: what `bench` passes on to its worker processes, option for option. */
final class BenchOptions {
    @Option(names = "--keys", paramLabel = "N", defaultValue = "10000", description = "distinct keys (default: ${DEFAULT-VALUE})")
    int keyCount;

    @Option(names = "--value-size", paramLabel = "SIZE", defaultValue = "1k", converter = SizeConverter.class,
            description = "bytes per value (default: ${DEFAULT-VALUE})")
    long valueByteCount;

    @Option(names = "--reads", paramLabel = "PERCENT", defaultValue = "90",
            description = "share of operations that are gets; the rest are sets (default: ${DEFAULT-VALUE})")
    int readPercent;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "threads per process (default: ${DEFAULT-VALUE})")
    int threadCount;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "measured time (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "unmeasured time before it, for the JIT (default: ${DEFAULT-VALUE})")
    Duration warmup;

    void check() {
        require(keyCount >= 1, "--keys " + keyCount + " must be at least 1");
        require(valueByteCount >= 0 && valueByteCount <= Integer.MAX_VALUE - 64,
                "--value-size " + valueByteCount + " must be from 0 to 2 GiB");
        require(readPercent >= 0 && readPercent <= 100, "--reads " + readPercent + " must be a percentage, 0 to 100");
        require(threadCount >= 1 && threadCount <= 1024, "--threads " + threadCount + " must be from 1 to 1024");
        require(!duration.isNegative() && !duration.isZero(), "--duration " + duration + " must be positive");
        require(!warmup.isNegative(), "--warmup " + warmup + " must not be negative");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static byte[] key(int index) {
        return String.format("bench:%026d", index).getBytes(StandardCharsets.US_ASCII);
    }

    List<String> asArguments() {
        List<String> arguments = new ArrayList<>();
        arguments.add("--keys=" + keyCount);
        arguments.add("--value-size=" + valueByteCount);
        arguments.add("--reads=" + readPercent);
        arguments.add("--threads=" + threadCount);
        arguments.add("--duration=" + duration.toMillis() + "ms");
        arguments.add("--warmup=" + warmup.toMillis() + "ms");
        return arguments;
    }
}
