package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import io.fastmmap.VerifyReport;
import io.fastmmap.perl.PerlCache;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "verify", description = "Check every page against the file format, changing nothing. Exit status 4 "
        + "when damage is found; `fastmmap repair` fixes it (in a fastmmap file).")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() {
        if (cacheFile.isPerl()) {
            try (PerlCache cache = cacheFile.perl()) {
                return print(cache.verify(), "verify", PerlFiles.repairAdvice());
            }
        }
        try (FastMmap cache = cacheFile.open()) {
            VerifyReport report = cache.verify();
            return print(report, "verify", "run `fastmmap repair " + report.file() + "` to rebuild those pages");
        }
    }

    /**
     * @param advice what to do about damage left
     * @return 0 when nothing is left damaged, else {@link Main#EXIT_DAMAGED}
     */
    static int print(VerifyReport report, String what, String advice) {
        System.out.println(CliAdvice.of(report.toString(), report.file()));
        if (!report.unrepaired().isEmpty()) {
            System.err.println("fastmmap: " + report.file() + ": " + what + " found " + report.unrepaired().size()
                    + " damaged place(s)" + ("verify".equals(what) ? "" : " it could not repair") + "; " + advice);
            return Main.EXIT_DAMAGED;
        }
        return 0;
    }
}
