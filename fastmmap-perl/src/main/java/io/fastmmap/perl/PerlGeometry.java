package io.fastmmap.perl;

/**
 * The two numbers every process sharing a Cache::FastMmap file must agree on: Perl's {@code num_pages} and
 * {@code page_size}. The file has no header, so nothing in it records them; a process with other numbers would see
 * garbage, and Perl deletes a file whose size differs from its own {@code num_pages × page_size}.
 *
 * @param pageCount Perl's {@code num_pages}
 * @param pageSize Perl's {@code page_size}, in bytes
 */
record PerlGeometry(int pageCount, int pageSize) {

    /** Cache::FastMmap's defaults: 89 pages of 64 KiB. */
    static final int DEFAULT_PAGE_COUNT = 89;
    static final int DEFAULT_PAGE_SIZE = 65536;
    /** Perl's lower clamp of a page size derived from {@code cache_size}. */
    static final int MIN_DERIVED_PAGE_SIZE = 4096;
    /**
     * The largest page this implementation maps: a page is one {@link java.nio.ByteBuffer} slice. Perl's own limit
     * is 1 GiB too ({@code mmc_init} asserts {@code page_size <= 1024*1024*1024}).
     */
    static final int MAX_PAGE_SIZE = 1 << 30;
    /** Perl's own lower limit ({@code mmc_init} asserts {@code page_size >= 1024}). */
    static final int MIN_PAGE_SIZE = 1024;

    PerlGeometry {
        if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize " + pageSize + " is outside " + MIN_PAGE_SIZE + ".."
                    + MAX_PAGE_SIZE
                    + " (Cache::FastMmap's page_size; its default is " + DEFAULT_PAGE_SIZE + ")");
        }
        if (pageCount < 1) {
            throw new IllegalArgumentException("pageCount " + pageCount + " must be at least 1 (Cache::FastMmap's "
                    + "num_pages; its default is " + DEFAULT_PAGE_COUNT + ")");
        }
    }

    /** @return the file's size: {@code num_pages × page_size} */
    long fileBytes() {
        return (long) pageCount * pageSize;
    }

    /** @return e.g. "89 pages × 65536 bytes (5832704 bytes)" */
    String describe() {
        return pageCount + " pages × " + pageSize + " bytes (" + fileBytes() + " bytes)";
    }

    /**
     * Perl's sizing rules of {@code Cache::FastMmap->new} (1.57), so that the same options give the same file:
     * <ul>
     *   <li>no {@code cache_size}: {@code page_size} is rounded <em>down</em> to a power of two;</li>
     *   <li>{@code cache_size} and {@code num_pages}: {@code page_size = max(4096, pow2floor(cache_size/num_pages))};</li>
     *   <li>{@code cache_size} alone or with {@code page_size} (at least 4096, not rounded): {@code num_pages} is
     *       the first of 89, 179, 359, ... (or 44, 21, ... going down) whose pages exceed {@code cache_size}.</li>
     * </ul>
     *
     * @param cacheBytes {@code cache_size}, or 0 when not given
     * @param pageCount {@code num_pages}, or 0 when not given
     * @param pageSize {@code page_size}, or 0 when not given
     * @return the geometry Perl computes from the same options
     */
    static PerlGeometry fromPerlOptions(long cacheBytes, int pageCount, int pageSize) {
        if (cacheBytes < 0 || pageCount < 0 || pageSize < 0) {
            throw new IllegalArgumentException("cacheSize, pageCount and pageSize must not be negative");
        }
        if (cacheBytes == 0) {
            int pages = pageCount == 0 ? DEFAULT_PAGE_COUNT : pageCount;
            int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
            return new PerlGeometry(pages, roundDownToPowerOfTwo(size));
        }
        if (pageCount != 0) {
            long size = Math.max(MIN_DERIVED_PAGE_SIZE, roundDownToPowerOfTwo(cacheBytes / (double) pageCount));
            return new PerlGeometry(pageCount, (int) Math.min(size, MAX_PAGE_SIZE));
        }
        long size = Math.max(MIN_DERIVED_PAGE_SIZE, pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize);
        long pages = DEFAULT_PAGE_COUNT;
        if (pages * size <= cacheBytes) {
            while (pages * size <= cacheBytes) {
                pages = pages * 2 + 1;
            }
        } else {
            while (pages * size > cacheBytes) {
                pages = (pages - 1) / 2;
            }
            pages = pages * 2 + 1;
        }
        if (pages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cacheSize " + cacheBytes + " needs " + pages + " pages: too many");
        }
        return new PerlGeometry((int) pages, (int) size);
    }

    /** Perl's {@code RoundPow2}: {@code int(2 ** int(log(x)/log(2)) + 0.1)}, which rounds down. */
    private static int roundDownToPowerOfTwo(double x) {
        if (x < 1) {
            return 1;
        }
        int exponent = (int) (Math.log(x) / Math.log(2));
        return (int) Math.min(MAX_PAGE_SIZE, (long) (Math.pow(2, exponent) + 0.1));
    }
}
