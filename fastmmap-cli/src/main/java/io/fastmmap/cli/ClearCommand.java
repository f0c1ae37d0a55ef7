package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import io.fastmmap.perl.PerlCache;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "clear", description = "Remove every entry. Processes using the file keep working.")
final class ClearCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() {
        if (cacheFile.isPerl()) {
            try (PerlCache cache = cacheFile.perl()) {
                cache.clear();
            }
            return 0;
        }
        try (FastMmap cache = cacheFile.open()) {
            cache.clear();
        }
        return 0;
    }
}
