package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import io.fastmmap.perl.PerlCache;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rm", description = "Remove a key. Exit status 3 when it was absent.")
final class RemoveCommand implements Callable<Integer> {
    @Mixin
    FileAndKey target;

    @Override
    public Integer call() {
        byte[] keyBytes = target.keyBytes();
        boolean removed;
        if (target.cacheFile.isPerl()) {
            try (PerlCache cache = target.cacheFile.perl()) {
                removed = cache.remove(keyBytes);
            }
        } else {
            try (FastMmap cache = target.cacheFile.open()) {
                removed = cache.remove(keyBytes);
            }
        }
        if (!removed) {
            System.err.println("fastmmap: " + target.cacheFile.file + ": no key " + KeyOptions.show(keyBytes));
            return Main.EXIT_ABSENT;
        }
        return 0;
    }
}
