package io.fastmmap.perl;

/**
 * Figures of a Cache::FastMmap file summed over its pages, read from the page headers one page locked at a time (not
 * a snapshot of the whole file).
 *
 * @param pageCount Perl's {@code num_pages}
 * @param pageSize Perl's {@code page_size}, in bytes
 * @param entryCount slots in use: live entries and expired ones not yet dropped
 * @param usedBytes bytes of records in the pages' data areas, including removed ones until the next expunge
 * @param freeBytes bytes free for new records
 * @param readCount Perl's {@code get_statistics} reads: {@code get} calls of Perl processes that use
 *     {@code enable_stats => 1} (others count none), since the last {@code get_statistics(1)}; {@link PerlCache}
 *     does not count its own
 * @param readHitCount Perl's {@code get_statistics} read hits, counted likewise
 */
public record PerlCacheStats(int pageCount, int pageSize, long entryCount, long usedBytes, long freeBytes,
        long readCount, long readHitCount) {

    /** The running sum while the pages are read. */
    static final class Sum {
        private long entries;
        private long used;
        private long free;
        private long reads;
        private long hits;

        void add(long entryCount, long usedBytes, long freeBytes, long readCount, long readHitCount) {
            entries += entryCount;
            used += usedBytes;
            free += freeBytes;
            reads += readCount;
            hits += readHitCount;
        }

        PerlCacheStats total(PerlGeometry geometry) {
            return new PerlCacheStats(geometry.pageCount(), geometry.pageSize(), entries, used, free, reads, hits);
        }
    }
}
