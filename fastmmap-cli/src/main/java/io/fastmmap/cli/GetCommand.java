package io.fastmmap.cli;

import io.fastmmap.CacheReader;
import io.fastmmap.perl.PerlCache;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A fastmmap file is read without locks or changes; a Cache::FastMmap file as Perl's {@code get} reads it: under
 * its page lock, refreshing the entry's last-access time.
 */
@Command(name = "get", description = "Print a key's value. Exit status 3 when the key is absent or expired.")
final class GetCommand implements Callable<Integer> {
    enum Format { text, hex, raw }

    @Mixin
    FileAndKey target;

    @Mixin
    PerlValueOption perlValues;

    @Option(names = "--format", defaultValue = "text",
            description = "text (UTF-8, refused when the value is not), hex, or raw bytes (default: ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() throws IOException {
        byte[] keyBytes = target.keyBytes();
        byte[] value;
        boolean perl = target.cacheFile.isPerl();
        if (perl) {
            try (PerlCache cache = target.cacheFile.perl()) {
                value = cache.get(keyBytes);
            }
        } else {
            perlValues.refuseFor(target.cacheFile);
            try (CacheReader cache = target.cacheFile.reader()) {
                value = cache.get(keyBytes);
            }
        }
        if (value == null) {
            System.err.println("fastmmap: " + target.cacheFile.file + ": no key " + KeyOptions.show(keyBytes));
            return Main.EXIT_ABSENT;
        }
        if (perlValues.isStorable()) {
            System.out.println(PerlFiles.storableAsJson(target.cacheFile.file, KeyOptions.show(keyBytes), value));
            return 0;
        }
        if (perl && perlValues.serializer == null && format == Format.text && PerlFiles.looksStorable(value)) {
            throw new IllegalArgumentException(target.cacheFile.file + ": the value of " + KeyOptions.show(keyBytes)
                    + " (" + value.length + " bytes) looks like Perl's Storable, Cache::FastMmap's default "
                    + "serializer: show it with --perl-serializer=storable, or its bytes with --perl-serializer=raw, "
                    + "--format hex or --format raw");
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
                            + KeyOptions.show(keyBytes) + " (" + value.length + " bytes) is not UTF-8 text; use "
                            + "--format hex or --format raw");
                }
                System.out.println(text);
            }
        }
        return 0;
    }
}
