package io.fastmmap.cli;

import io.fastmmap.CacheFileInfo;
import io.fastmmap.FastMmap;
import io.fastmmap.perl.PerlCache;
import io.fastmmap.perl.PerlCacheFileInfo;
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
            + "refused while other processes have it open, and for a Cache::FastMmap file")
    boolean force;

    /** {@code --format}. */
    enum Format { fastmmap, perl }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "fastmmap",
            description = "fastmmap, or perl: a Cache::FastMmap 1.57 file for Perl processes to share, sized by Perl's "
                    + "rules from the same options (cache_size, page_size, num_pages) (default: ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() {
        if (PerlCacheFileInfo.isPerlCacheFile(file)) {
            throw new IllegalArgumentException(file + " is a Cache::FastMmap (Perl) cache file: fastmmap never replaces "
                    + "one, since Perl processes may have it open. It was left untouched; delete it first when no "
                    + "process has it open");
        }
        if (!force && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(file + " already exists (`fastmmap info " + file + "` describes it); "
                    + "add --force to wipe it and create it anew");
        }
        if (format == Format.perl) {
            return createPerl();
        }
        FastMmap.Builder builder = FastMmap.builder(file).recreate(force);
        if (cacheSizeBytes != null) {
            builder.cacheSize(cacheSizeBytes);
        }
        if (pageSizeBytes != null) {
            builder.pageSize(pageSize("256m"));
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

    /** Perl's sizing rules; an existing file was refused above: fastmmap never replaces a Perl file. */
    private int createPerl() {
        if (force) {
            throw new IllegalArgumentException("--force does not apply with --format=perl: fastmmap never wipes a file "
                    + "for Perl; delete " + file + " first when no process has it open");
        }
        PerlCache.Builder builder = PerlCache.builder(file);
        if (cacheSizeBytes != null) {
            builder.cacheSize(cacheSizeBytes);
        }
        if (pageSizeBytes != null) {
            builder.pageSize(pageSize("1g"));
        }
        if (pageCount != null) {
            builder.pageCount(pageCount);
        }
        try (PerlCache cache = builder.build()) {
            System.out.println("created " + file + ": a Cache::FastMmap file of " + cache.pageCount() + " pages of "
                    + Units.bytes(cache.pageSize()) + ". Perl opens it with Cache::FastMmap->new(share_file => '"
                    + file + "', num_pages => " + cache.pageCount() + ", page_size => " + cache.pageSize()
                    + ", unlink_on_exit => 0)");
        }
        return 0;
    }

    private int pageSize(String largest) {
        if (pageSizeBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--page-size=" + pageSizeBytes + " is too large; a page holds at most "
                    + largest);
        }
        return pageSizeBytes.intValue();
    }
}
