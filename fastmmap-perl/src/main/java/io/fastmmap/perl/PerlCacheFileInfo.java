package io.fastmmap.perl;

import io.fastmmap.CacheFileException;
import io.fastmmap.IncompatibleCacheFileException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * What an existing Cache::FastMmap file is, told from its bytes alone: the file has no header, so its geometry
 * ({@code num_pages}, {@code page_size}) is read from the page headers, whose free-space fields end at the page's
 * end (FreeData + FreeBytes = page_size). Reading it takes no lock and changes nothing.
 *
 * <pre>{@code
 * if (PerlCacheFileInfo.isPerlCacheFile(path)) {
 *     try (PerlCache cache = PerlCacheFileInfo.read(path).builder().build()) { ... }   // the file's own geometry
 * }
 * }</pre>
 *
 * @param file the file
 * @param pageCount its {@code num_pages}
 * @param pageSize its {@code page_size}, in bytes
 */
public record PerlCacheFileInfo(Path file, int pageCount, int pageSize) {

    /** Pages whose headers are compared: enough to outvote a few damaged ones, few enough to read at once. */
    private static final int SAMPLED_PAGES = 16;

    /** @throws NullPointerException when file is null */
    public PerlCacheFileInfo {
        Objects.requireNonNull(file, "file");
    }

    /**
     * @return true when the file starts as a Cache::FastMmap file does: with the page start marker 0x92F7E3B1 in the
     *     host's byte order ({@code P_Magic}); false for any other file, a missing or an unreadable one
     */
    public static boolean isPerlCacheFile(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return PerlFile.headerPageSize(channel, 0, channel.size()) >= 0;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * @return the file's geometry: the page size most of its first pages' headers agree on
     * @throws IncompatibleCacheFileException when it is not a Cache::FastMmap file, or its headers are too damaged
     *     to tell its geometry
     * @throws CacheFileException when it cannot be read
     */
    public static PerlCacheFileInfo read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long first = PerlFile.headerPageSize(channel, 0, size);
            if (first < 0) {
                throw new IncompatibleCacheFileException(file, file + " is not a Cache::FastMmap file: it does not "
                        + "start with a page header (the marker 0x92F7E3B1)");
            }
            long best = -1;
            int bestVotes = 0;
            for (long candidate = PerlGeometry.MIN_PAGE_SIZE; candidate <= PerlGeometry.MAX_PAGE_SIZE; candidate *= 2) {
                int votes = votes(channel, size, candidate);
                if (votes > bestVotes) {
                    best = candidate;
                    bestVotes = votes;
                }
            }
            int firstVotes = votes(channel, size, first); // a page_size that is no power of 2 (cache_size + page_size)
            if (firstVotes >= bestVotes && firstVotes > 0) {
                best = first;
                bestVotes = firstVotes;
            }
            if (best < 0 || bestVotes * 2 <= Math.min(SAMPLED_PAGES, size / best)) {
                throw new IncompatibleCacheFileException(file, file + " looks like a Cache::FastMmap file, but its "
                        + size + " bytes are not whole pages of a size its page headers agree on (the first says "
                        + first + " bytes): it is damaged or still being created. Nothing was changed. Delete it when no "
                        + "process has it open, or let Perl re-create it");
            }
            return new PerlCacheFileInfo(file, (int) (size / best), (int) best);
        } catch (NoSuchFileException e) {
            throw new CacheFileException(file, file + " does not exist", e);
        } catch (IOException e) {
            throw new CacheFileException(file, file + ": cannot read it: " + e, e);
        }
    }

    /** @return how many of the first pages of a {@code pageSize} split have a header saying so; 0 when it cannot be */
    private static int votes(FileChannel channel, long size, long pageSize) throws IOException {
        if (pageSize < PerlGeometry.MIN_PAGE_SIZE || pageSize > PerlGeometry.MAX_PAGE_SIZE || size % pageSize != 0
                || size / pageSize > Integer.MAX_VALUE) {
            return 0;
        }
        int votes = 0;
        for (long page = 0; page < Math.min(SAMPLED_PAGES, size / pageSize); page++) {
            if (PerlFile.headerPageSize(channel, page * pageSize, size) == pageSize) {
                votes++;
            }
        }
        return votes;
    }

    /** @return the file's size: {@code num_pages × page_size} */
    public long fileSizeBytes() {
        return (long) pageCount * pageSize;
    }

    /** @return a builder for this file with its own geometry, whatever Perl options made it */
    public PerlCache.Builder builder() {
        return PerlCache.builder(file).fileGeometry(new PerlGeometry(pageCount, pageSize));
    }
}
