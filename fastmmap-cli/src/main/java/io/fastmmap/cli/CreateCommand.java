package io.fastmmap.cli;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.FastMmap;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", description = "Create a new, empty cache file. Give two of --cache-size, --page-size and "
        + "--page-count, or one (the other defaults: 89 pages of 64 KiB). The file is 0600, its new parent "
        + "directories 0700.")
final class CreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the cache file to create")
    Path file;

    @Option(names = "--cache-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "the pages' total size, e.g. 64m")
    Long cacheSizeBytes;

    @Option(names = "--page-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "one page, a multiple of 4k (default 64k); the largest entry must fit in one page")
    Long pageSizeBytes;

    @Option(names = "--page-count", paramLabel = "N", description = "the number of pages (default 89)")
    Integer pageCount;

    @Option(names = "--force", description = "wipe FILE if it exists (its entries are lost) and create it anew; "
            + "refused while other processes have it open")
    boolean force;

    @Override
    public Integer call() {
        if (!force && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(file + " already exists (`fastmmap info " + file + "` describes it); "
                    + "add --force to wipe it and create it anew");
        }
        FastMmap.Builder builder = FastMmap.builder(file).recreate(force);
        if (cacheSizeBytes != null) {
            builder.cacheSize(cacheSizeBytes);
        }
        if (pageSizeBytes != null) {
            if (pageSizeBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--page-size=" + pageSizeBytes + " is too large; a page holds "
                        + "at most 256m");
            }
            builder.pageSize(pageSizeBytes.intValue());
        }
        if (pageCount != null) {
            builder.pageCount(pageCount);
        }
        builder.build().close();
        CacheFileInfo info = CacheFileInfo.read(file);
        System.out.println("created " + file + ": " + info.pageCount() + " pages of "
                + Units.bytes(info.pageSizeBytes()) + ", " + Units.bytes(info.fileSizeBytes()) + " on disk");
        return 0;
    }
}
