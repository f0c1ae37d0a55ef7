package io.fastmmap.cli;

import io.fastmmap.CacheReader;
import io.fastmmap.CacheStats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "stats", description = "Show the statistics the file keeps for all its processes.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "${COMPLETION-CANDIDATES}: json is one line, prometheus is for node_exporter's "
                    + "textfile collector (default: ${DEFAULT-VALUE})")
    StatsFormat.Output format;

    @Override
    public Integer call() {
        CacheStats stats;
        try (CacheReader cache = cacheFile.reader()) {
            stats = cache.stats();
        }
        switch (format) {
            case text -> StatsFormat.print(stats, System.out);
            case json -> System.out.println(StatsFormat.json(stats, cacheFile.file));
            case prometheus -> System.out.print(StatsFormat.prometheus(stats, cacheFile.file));
        }
        return 0;
    }
}
