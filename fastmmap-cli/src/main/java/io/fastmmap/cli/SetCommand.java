package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import io.fastmmap.perl.PerlCache;
import io.fastmmap.perl.PerlCompressor;
import io.fastmmap.perl.PerlSerializer;
import io.fastmmap.perl.PerlValues;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "set", description = "Store a value under a key, from the command line or from standard input.")
final class SetCommand implements Callable<Integer> {
    @Mixin
    FileAndKey target;

    @Mixin
    PerlValueOption perlValues;

    @Parameters(index = "2", paramLabel = "VALUE", arity = "0..1",
            description = "the value; leave it out with --stdin")
    String value;

    @Option(names = "--stdin", description = "read the value's bytes from standard input")
    boolean stdin;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "time to live, e.g. 30s, 10m (whole seconds in a Perl file); default: the file's users' own "
                    + "default (none here)")
    Duration ttl;

    @Override
    public Integer call() throws IOException {
        if (stdin == (value != null)) {
            throw new IllegalArgumentException("give either VALUE or --stdin, not " + (stdin ? "both" : "neither"));
        }
        byte[] keyBytes = target.keyBytes();
        byte[] valueBytes = stdin ? System.in.readAllBytes() : target.encoding.bytes("VALUE", value);
        if (target.cacheFile.isPerl()) {
            setPerl(keyBytes, valueBytes);
            return 0;
        }
        perlValues.refuseFor(target.cacheFile);
        try (FastMmap cache = target.cacheFile.open()) {
            if (ttl == null) {
                cache.set(keyBytes, valueBytes);
            } else {
                cache.set(keyBytes, valueBytes, ttl);
            }
        }
        return 0;
    }

    /**
     * A VALUE typed as text is stored as Perl's character string (UTF-8 flagged, as Perl's XS stores one), so a Perl
     * process reads back the characters given here; bytes (--stdin, --hex) as a byte string.
     */
    private void setPerl(byte[] keyBytes, byte[] valueBytes) {
        String key = KeyOptions.textOrNull(keyBytes);
        boolean typed = !stdin && !target.encoding.hex;
        String text = typed ? value : perlValues.isStorable() ? KeyOptions.textOrNull(valueBytes) : null;
        if (perlValues.isStorable() && (key == null || text == null)) {
            throw new IllegalArgumentException("--perl-serializer=storable stores a text VALUE under a text KEY, but "
                    + (key == null ? "KEY" : "VALUE") + " is not UTF-8 text; store bytes with --perl-serializer=raw");
        }
        try (PerlCache cache = target.cacheFile.perl()) {
            if (key != null && text != null) {
                PerlValues values = cache.values(perlValues.isStorable() ? PerlSerializer.STORABLE : PerlSerializer.RAW,
                        PerlCompressor.NONE);
                if (ttl == null) {
                    values.set(key, text);
                } else {
                    values.set(key, text, ttl);
                }
            } else if (ttl == null) {
                cache.set(keyBytes, valueBytes);
            } else {
                cache.set(keyBytes, valueBytes, ttl);
            }
        }
    }
}
