package io.fastmmap.internal;

/**
 * Page size and page count of a cache file, resolved from the builder's options the way a user expects:
 * at most two of cache size, page count and page size are given, the third is derived, and Cache::FastMmap's
 * defaults (89 pages of 64 KiB) fill the rest.
 *
 * @param pageSizeBytes bytes per page, a multiple of 4096
 * @param pageCount number of (logical) pages
 */
public record Geometry(int pageSizeBytes, int pageCount) {
    public static final int MIN_PAGE_SIZE = 4096;
    public static final int MAX_PAGE_SIZE = 256 << 20;
    public static final int MAX_PAGE_COUNT = 1 << 24;
    static final int DEFAULT_PAGE_SIZE = 64 << 10;
    static final int DEFAULT_PAGE_COUNT = 89;
    /** Spare physical pages that compaction builds new page images in; more than 8 at once is rare. */
    static final int MAX_SPARE_COUNT = 8;

    public Geometry {
        checkPageSize(pageSizeBytes);
        checkPageCount(pageCount);
    }

    public static void checkPageSize(int bytes) {
        if (bytes < MIN_PAGE_SIZE || bytes > MAX_PAGE_SIZE || bytes % MIN_PAGE_SIZE != 0) {
            throw new IllegalArgumentException("pageSize=" + bytes + " bytes; it must be a multiple of 4096 from "
                    + MIN_PAGE_SIZE + " (4 KiB) to " + MAX_PAGE_SIZE + " (256 MiB)");
        }
    }

    public static void checkPageCount(int count) {
        if (count < 1 || count > MAX_PAGE_COUNT) {
            throw new IllegalArgumentException("pageCount=" + count + "; it must be from 1 to " + MAX_PAGE_COUNT);
        }
    }

    /**
     * @param cacheSizeBytes 0 when not given
     * @param pageCount 0 when not given
     * @param pageSizeBytes 0 when not given
     */
    public static Geometry resolve(long cacheSizeBytes, int pageCount, int pageSizeBytes) {
        if (cacheSizeBytes == 0) {
            return new Geometry(pageSizeBytes == 0 ? DEFAULT_PAGE_SIZE : pageSizeBytes,
                    pageCount == 0 ? DEFAULT_PAGE_COUNT : pageCount);
        }
        if (pageCount != 0 && pageSizeBytes != 0) {
            if ((long) pageCount * pageSizeBytes != cacheSizeBytes) {
                throw new IllegalArgumentException("cacheSize=" + cacheSizeBytes + " but pageCount=" + pageCount
                        + " x pageSize=" + pageSizeBytes + " = " + (long) pageCount * pageSizeBytes
                        + "; set only two of cacheSize, pageCount and pageSize");
            }
            return new Geometry(pageSizeBytes, pageCount);
        }
        if (pageCount != 0) {
            long perPage = ceilDiv(cacheSizeBytes, pageCount);
            long rounded = ceilDiv(perPage, MIN_PAGE_SIZE) * MIN_PAGE_SIZE;
            if (rounded > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("cacheSize=" + cacheSizeBytes + " over pageCount=" + pageCount
                        + " needs pages of " + rounded + " bytes, above the " + MAX_PAGE_SIZE
                        + " limit; raise pageCount");
            }
            return new Geometry((int) rounded, pageCount);
        }
        int size = pageSizeBytes == 0 ? DEFAULT_PAGE_SIZE : pageSizeBytes;
        long count = ceilDiv(cacheSizeBytes, size);
        if (count > MAX_PAGE_COUNT) {
            throw new IllegalArgumentException("cacheSize=" + cacheSizeBytes + " needs " + count + " pages of "
                    + size + " bytes, above the " + MAX_PAGE_COUNT + " page limit; raise pageSize");
        }
        return new Geometry(size, (int) count);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** @return spare physical pages: one per page that can be compacted at the same time, at most 8 */
    public int spareCount() {
        return Math.min(pageCount, MAX_SPARE_COUNT);
    }

    /** @return logical pages plus spares */
    public int physicalPageCount() {
        return pageCount + spareCount();
    }
}
