package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Under the engine's locking: other processes may keep using the file while it runs. */
@Command(name = "repair", description = "Check every page as verify does and rebuild those with damage, dropping "
        + "entries that fail their checks. Exit status 4 when damage remains. fastmmap files only.")
final class RepairCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() {
        if (cacheFile.isPerl()) {
            throw new IllegalArgumentException(cacheFile.file + " is a Cache::FastMmap (Perl) cache file, which "
                    + "fastmmap does not repair; it was left untouched. " + PerlFiles.repairAdvice());
        }
        try (FastMmap cache = cacheFile.open()) {
            return VerifyCommand.print(cache.repair(), "repair", "re-create the file with `fastmmap create "
                    + cacheFile.file + " --force`");
        }
    }
}
