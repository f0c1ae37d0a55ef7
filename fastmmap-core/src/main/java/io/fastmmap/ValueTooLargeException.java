package io.fastmmap;

/**
 * An entry (key plus value plus its record header) is larger than one page can ever hold. Nothing was changed:
 * a previous value of the key is still there. Raise {@code pageSize} to store larger values.
 */
public class ValueTooLargeException extends FastMmapException {
    private static final long serialVersionUID = 1L;

    private final long entryByteCount;
    private final long maxEntryByteCount;

    /**
     * @param message the sizes, the key, and the option to raise
     * @param entryByteCount bytes the entry needs
     * @param maxEntryByteCount the most bytes one entry may take in a page of this cache
     */
    public ValueTooLargeException(String message, long entryByteCount, long maxEntryByteCount) {
        super(message);
        this.entryByteCount = entryByteCount;
        this.maxEntryByteCount = maxEntryByteCount;
    }

    /** @return bytes the rejected entry needs (key, value and record header) */
    public long entryByteCount() {
        return entryByteCount;
    }

    /** @return the most bytes one entry may take in a page of this cache */
    public long maxEntryByteCount() {
        return maxEntryByteCount;
    }
}
