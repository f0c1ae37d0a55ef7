package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import io.fastmmap.perl.PerlCache;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "purge", description = "Remove expired entries now instead of when their pages next need room.")
final class PurgeCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() {
        if (cacheFile.isPerl()) {
            try (PerlCache cache = cacheFile.perl()) {
                cache.purge();
            }
            return 0;
        }
        try (FastMmap cache = cacheFile.open()) {
            cache.purge();
        }
        return 0;
    }
}
