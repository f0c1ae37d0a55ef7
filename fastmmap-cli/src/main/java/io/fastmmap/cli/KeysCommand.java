package io.fastmmap.cli;

import io.fastmmap.CacheEntry;
import io.fastmmap.CacheReader;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Page by page, each page locked only while it is read: not a snapshot while others write. */
@Command(name = "keys", description = "List the live keys, one per line: text keys as they are, others as 0x + hex.")
final class KeysCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Option(names = {"-l", "--long"}, description = "also show value size, expiry and flags")
    boolean details;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "stop after N keys; 0 = all")
    long limit;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        long shown = 0;
        try (CacheReader cache = cacheFile.reader()) {
            for (CacheEntry entry : details ? cache.entriesWithValues() : cache.entries()) {
                if (limit > 0 && shown++ >= limit) {
                    break;
                }
                String key = KeyOptions.printable(entry.key());
                if (details) {
                    out.println(key + "\t" + entry.value().length + " bytes"
                            + "\texpires " + (entry.expiresAt() == null ? "never" : entry.expiresAt())
                            + "\tflags " + entry.flags());
                } else {
                    out.println(key);
                }
            }
        }
        out.flush();
        return 0;
    }
}
