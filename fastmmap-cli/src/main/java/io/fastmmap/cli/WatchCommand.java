package io.fastmmap.cli;

import io.fastmmap.CacheReader;
import io.fastmmap.perl.PerlCache;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "watch", description = "Show the statistics again and again, live, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "time between refreshes (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "stop after N refreshes; 0 = until interrupted")
    int count;

    @Override
    public Integer call() throws InterruptedException {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("--interval " + interval + " must be positive");
        }
        if (cacheFile.isPerl()) {
            try (PerlCache cache = cacheFile.perl()) {
                return show(() -> StatsFormat.of(cache.stats()));
            }
        }
        try (CacheReader cache = cacheFile.reader()) {
            return show(() -> StatsFormat.of(cache.stats()));
        }
    }

    private int show(Supplier<List<StatsFormat.Figure>> figures) throws InterruptedException {
        // On a terminal each refresh redraws the screen; into a pipe or a file, one line per refresh.
        boolean terminal = System.console() != null;
        for (int shown = 0; count == 0 || shown < count; shown++) {
            if (shown > 0) {
                Thread.sleep(interval.toMillis());
            }
            String time = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
            if (terminal) {
                System.out.print("\033[H\033[2J");
                System.out.println("fastmmap watch " + cacheFile.file + "   " + time + "   (Ctrl-C to stop)");
                System.out.println();
                StatsFormat.print(figures.get(), System.out);
            } else {
                System.out.println(time + " " + StatsFormat.line(figures.get()));
            }
            System.out.flush();
        }
        return 0;
    }
}
