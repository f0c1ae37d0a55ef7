package io.fastmmap.cli;

import io.fastmmap.CacheFileInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Reads only the header: never maps, locks or changes the file, so it is safe on a file in trouble. */
@Command(name = "info", description = "Show the file's format, geometry, size, owner and permissions.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    CacheFileOption cacheFile;

    @Override
    public Integer call() throws IOException {
        CacheFileInfo info = cacheFile.info();
        PrintStream out = System.out;
        out.println("file:          " + info.file().toAbsolutePath());
        out.println("format:        fastmmap v" + info.formatVersion());
        out.println("pages:         " + info.pageCount() + " x " + Units.bytes(info.pageSizeBytes()));
        out.println("cache size:    " + Units.bytes(info.cacheSizeBytes()));
        out.println("file size:     " + Units.bytes(info.fileSizeBytes()));
        out.println("created:       " + info.createdAt());
        out.println("owner:         " + Files.getOwner(info.file(), LinkOption.NOFOLLOW_LINKS).getName());
        out.println("permissions:   " + PosixFilePermissions.toString(
                Files.getPosixFilePermissions(info.file(), LinkOption.NOFOLLOW_LINKS)));
        return 0;
    }
}
