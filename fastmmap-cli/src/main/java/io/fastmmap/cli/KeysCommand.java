package io.fastmmap.cli;

import io.fastmmap.CacheEntry;
import io.fastmmap.CacheReader;
import io.fastmmap.perl.PerlCache;
import io.fastmmap.perl.PerlCacheEntry;
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

    private long shown;

    @Override
    public Integer call() {
        if (cacheFile.isPerl()) {
            try (PerlCache cache = cacheFile.perl()) {
                for (PerlCacheEntry entry : cache.entries()) {
                    if (!show(entry.key(), entry.value().length, entry.expiresAt(), perlFlags(entry))) {
                        break;
                    }
                }
            }
        } else {
            try (CacheReader cache = cacheFile.reader()) {
                for (CacheEntry entry : details ? cache.entriesWithValues() : cache.entries()) {
                    if (!show(entry.key(), details ? entry.value().length : 0, entry.expiresAt(), entry.flags())) {
                        break;
                    }
                }
            }
        }
        System.out.flush();
        return 0;
    }

    /** @return false once --limit keys were shown */
    private boolean show(byte[] key, int valueBytes, Object expiresAt, Object flags) {
        if (limit > 0 && shown++ >= limit) {
            return false;
        }
        PrintStream out = System.out;
        String printable = KeyOptions.printable(key);
        if (details) {
            out.println(printable + "\t" + valueBytes + " bytes" + "\texpires " + (expiresAt == null ? "never" : expiresAt)
                    + "\tflags " + flags);
        } else {
            out.println(printable);
        }
        return true;
    }

    /** Perl's record flags by name, as Cache::FastMmap's get_keys(2) gives them in numbers. */
    private static String perlFlags(PerlCacheEntry entry) {
        String names = (entry.isUndef() ? ",undef" : "") + (entry.isUtf8Value() ? ",utf8" : "");
        return entry.flags() + (names.isEmpty() ? "" : " (" + names.substring(1) + ")");
    }
}
