package io.fastmmap.cli;

import io.fastmmap.CacheReader;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "get", description = "Print a key's value. Exit status 3 when the key is absent or expired.")
final class GetCommand implements Callable<Integer> {
    enum Format { text, hex, raw }

    @Mixin
    FileAndKey target;

    @Option(names = "--format", defaultValue = "text",
            description = "text (UTF-8, refused when the value is not), hex, or raw bytes (default: ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() throws IOException {
        byte[] keyBytes = target.keyBytes();
        byte[] value;
        try (CacheReader cache = target.cacheFile.reader()) {
            value = cache.get(keyBytes);
        }
        if (value == null) {
            System.err.println("fastmmap: " + target.cacheFile.file + ": no key " + KeyOptions.show(keyBytes));
            return Main.EXIT_ABSENT;
        }
        switch (format) {
            case raw -> {
                System.out.write(value);
                System.out.flush();
            }
            case hex -> System.out.println(HexFormat.of().formatHex(value));
            default -> {
                String text = KeyOptions.textOrNull(value);
                if (text == null) {
                    throw new IllegalArgumentException(target.cacheFile.file + ": the value of "
                            + KeyOptions.show(keyBytes)
                            + " (" + value.length + " bytes) is not UTF-8 text; use --format hex or --format raw");
                }
                System.out.println(text);
            }
        }
        return 0;
    }
}
