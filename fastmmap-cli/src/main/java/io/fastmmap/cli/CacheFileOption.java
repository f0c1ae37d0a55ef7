package io.fastmmap.cli;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.CacheReader;
import io.fastmmap.FastMmap;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The FILE every command takes, and how commands open it: with the geometry its header records. */
final class CacheFileOption {
    @Parameters(index = "0", paramLabel = "FILE", description = "the cache file")
    Path file;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "how long to wait for a page lock held by a live process (default: ${DEFAULT-VALUE})")
    Duration lockTimeout;

    CacheFileInfo info() {
        return CacheFileInfo.read(existing());
    }

    /**
     * Maps the existing file read-only: a command that only reads needs only read permission, takes no process
     * slot or lock, and leaves least-recently-used order alone.
     */
    CacheReader reader() {
        return CacheReader.open(existing());
    }

    /** Opens the existing file read-write; no command creates a file but {@code create} and {@code bench}. */
    FastMmap open() {
        return info().builder().lockTimeout(lockTimeout).build();
    }

    private Path existing() {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(file + " does not exist; check the path, or create it with `fastmmap "
                    + "create " + file + " --cache-size=SIZE`");
        }
        return file;
    }
}
