package io.fastmmap.cli;

import io.fastmmap.CacheReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stats", description = "Show the statistics the file keeps for all its processes.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() {
        try (CacheReader cache = cacheFile.reader()) {
            StatsFormat.print(cache.stats(), System.out);
        }
        return 0;
    }
}
