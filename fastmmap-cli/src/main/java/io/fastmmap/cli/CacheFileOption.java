package io.fastmmap.cli;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.CacheReader;
import io.fastmmap.FastMmap;
import io.fastmmap.perl.PerlCache;
import io.fastmmap.perl.PerlCacheFileInfo;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The FILE every command takes, and how commands open it: a fastmmap file with the geometry its header records, a
 * Cache::FastMmap (Perl) file, told apart by its first bytes, with the geometry its page headers show.
 */
final class CacheFileOption {
    @Parameters(index = "0", paramLabel = "FILE", description = "the cache file: fastmmap's or Cache::FastMmap's")
    Path file;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "how long to wait for a page lock held by a live process (default: ${DEFAULT-VALUE})")
    Duration lockTimeout;

    /** @return true when FILE exists and is a Cache::FastMmap file */
    boolean isPerl() {
        return PerlCacheFileInfo.isPerlCacheFile(existing());
    }

    CacheFileInfo info() {
        return CacheFileInfo.read(fastmmapFile());
    }

    /**
     * Maps the existing file read-only: a command that only reads needs only read permission, takes no process
     * slot or lock, and leaves least-recently-used order alone.
     */
    CacheReader reader() {
        return CacheReader.open(fastmmapFile());
    }

    /** Opens the existing file read-write; no command creates a file but {@code create} and {@code bench}. */
    FastMmap open() {
        return CacheFileInfo.read(fastmmapFile()).builder().lockTimeout(lockTimeout).build();
    }

    /**
     * Opens the existing Cache::FastMmap file with the geometry it has, taking Perl's fcntl page locks as Perl's
     * processes do, so they may keep using it meanwhile. Never creates, truncates or re-initialises it.
     */
    PerlCache perl() {
        return PerlCacheFileInfo.read(existing()).builder().lockTimeout(lockTimeout).build();
    }

    private Path fastmmapFile() {
        if (PerlCacheFileInfo.isPerlCacheFile(existing())) {
            throw new IllegalArgumentException(PerlFiles.notHere(file));
        }
        return file;
    }

    private Path existing() {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(file + " does not exist; check the path, or create it with `fastmmap "
                    + "create " + file + " --cache-size=SIZE`");
        }
        return file;
    }
}
