package io.fastmmap.cli;

import io.fastmmap.FastMmap;
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

    @Parameters(index = "2", paramLabel = "VALUE", arity = "0..1",
            description = "the value; leave it out with --stdin")
    String value;

    @Option(names = "--stdin", description = "read the value's bytes from standard input")
    boolean stdin;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "time to live, e.g. 30s, 10m; default: the file's users' own default (none here)")
    Duration ttl;

    @Override
    public Integer call() throws IOException {
        if (stdin == (value != null)) {
            throw new IllegalArgumentException("give either VALUE or --stdin, not " + (stdin ? "both" : "neither"));
        }
        byte[] keyBytes = target.keyBytes();
        byte[] valueBytes = stdin ? System.in.readAllBytes() : target.encoding.bytes("VALUE", value);
        try (FastMmap cache = target.cacheFile.open()) {
            if (ttl == null) {
                cache.set(keyBytes, valueBytes);
            } else {
                cache.set(keyBytes, valueBytes, ttl);
            }
        }
        return 0;
    }
}
