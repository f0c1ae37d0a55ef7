package io.fastmmap.cli;

import io.fastmmap.FastMmap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = "Remove a key. Exit status 3 when it was absent.")
final class RemoveCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Mixin
    KeyOptions keys;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
        byte[] keyBytes = keys.bytes("KEY", key);
        boolean removed;
        try (FastMmap cache = cacheFile.open()) {
            removed = cache.remove(keyBytes);
        }
        if (!removed) {
            System.err.println("fastmmap: " + cacheFile.file + ": no key " + KeyOptions.show(keyBytes));
            return Main.EXIT_ABSENT;
        }
        return 0;
    }
}
