package io.fastmmap.cli;

import io.fastmmap.CacheReader;
import io.fastmmap.perl.PerlCache;
import java.util.List;
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
        boolean perl = cacheFile.isPerl();
        List<StatsFormat.Figure> figures = perl ? perlFigures(cacheFile) : fastmmapFigures(cacheFile);
        switch (format) {
            case text -> StatsFormat.print(figures, System.out);
            case json -> System.out.println(StatsFormat.json(figures, cacheFile.file,
                    perl ? "Cache::FastMmap" : "fastmmap"));
            case prometheus -> System.out.print(StatsFormat.prometheus(figures, cacheFile.file));
        }
        return 0;
    }

    static List<StatsFormat.Figure> fastmmapFigures(CacheFileOption cacheFile) {
        try (CacheReader cache = cacheFile.reader()) {
            return StatsFormat.of(cache.stats());
        }
    }

    /** Locks one page at a time, as Perl's get_statistics does. */
    static List<StatsFormat.Figure> perlFigures(CacheFileOption cacheFile) {
        try (PerlCache cache = cacheFile.perl()) {
            return StatsFormat.of(cache.stats());
        }
    }
}
