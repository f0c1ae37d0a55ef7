package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "verify", description = "Check every page against the file format, changing nothing. Exit status 4 "
        + "when damage is found; `fastmmap repair` fixes it.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() {
        try (FastMmap cache = cacheFile.open()) {
            return VerifyCommand.print(cache.verify(), "verify");
        }
    }

    /** @return 0 when nothing is left damaged, else {@link Main#EXIT_DAMAGED} */
    static int print(VerifyReport report, String what) {
        System.out.println(CliAdvice.of(report.toString(), report.file()));
        if (!report.unrepaired().isEmpty()) {
            System.err.println("fastmmap: " + report.file() + ": " + what + " found " + report.unrepaired().size()
                    + " damaged place(s)" + ("verify".equals(what) ? "; run `fastmmap repair " + report.file()
                    + "` to rebuild those pages" : " it could not repair; re-create the file with `fastmmap create " + report.file() + " --force`"));
            return Main.EXIT_DAMAGED;
        }
        return 0;
    }
}
