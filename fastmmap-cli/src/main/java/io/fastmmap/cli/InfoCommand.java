package io.fastmmap.cli;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.perl.PerlCacheFileInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Reads only the header (a Perl file's page headers): never maps, locks or changes the file. */
@Command(name = "info", description = "Show the file's format, geometry, size, owner and permissions.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        if (cacheFile.isPerl()) {
            PerlCacheFileInfo info = PerlCacheFileInfo.read(cacheFile.file);
            out.println("file:          " + info.file().toAbsolutePath());
            out.println("format:        Cache::FastMmap (Perl), told from its page headers");
            out.println("pages:         " + info.pageCount() + " x " + Units.bytes(info.pageSize())
                    + "   (Perl's num_pages => " + info.pageCount() + ", page_size => " + info.pageSize() + ")");
            out.println("file size:     " + Units.bytes(info.fileSizeBytes()));
            owner(info.file(), out);
            return 0;
        }
        CacheFileInfo info = cacheFile.info();
        out.println("file:          " + info.file().toAbsolutePath());
        out.println("format:        fastmmap v" + info.formatVersion());
        out.println("pages:         " + info.pageCount() + " x " + Units.bytes(info.pageSizeBytes()));
        out.println("cache size:    " + Units.bytes(info.cacheSizeBytes()));
        out.println("file size:     " + Units.bytes(info.fileSizeBytes()));
        out.println("created:       " + info.createdAt());
        owner(info.file(), out);
        return 0;
    }

    private static void owner(Path file, PrintStream out) throws IOException {
        out.println("owner:         " + Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName());
        out.println("permissions:   " + PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
    }
}
