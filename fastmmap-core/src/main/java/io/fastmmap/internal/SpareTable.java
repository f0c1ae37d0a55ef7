package io.fastmmap.internal;

/**
 * The spare physical pages. Each entry is one 64-bit word, changed only by compare-and-set, so taking a spare
 * and recording who took it is one atomic step that a crash cannot split.
 *
 * <pre>
 *  0                 4                  8
 *  +-----------------+------------------+
 *  | physicalPage    | owner            |   owner = 0: free; otherwise logical page + 1 compacting into it
 *  +-----------------+------------------+
 * </pre>
 *
 * Compaction of logical page L (held locked) into spare entry e = {s, 0}:
 * <ol>
 *   <li>CAS e from {s, 0} to {s, L+1};</li>
 *   <li>build the new image in physical page s, with {@code previousPhysical} = the old page p;</li>
 *   <li>commit: store s into L's directory entry;</li>
 *   <li>CAS e from {s, L+1} to {p, 0}: the old page is the new spare.</li>
 * </ol>
 * A crash before step 3 leaves p untouched and s owned by L: recovery frees it. A crash after step 3 leaves
 * e = {s, L+1} with the directory already naming s: recovery hands p (from s's header) back to the pool.
 * {@link SparePages} runs this protocol.
 */
final class SpareTable {
    static final int ENTRY_BYTES = 8;

    private SpareTable() {
    }

    /** @return the file offset of entry {@code index} of the table at {@code spareTableOffset} */
    static long entryOffset(long spareTableOffset, int index) {
        return spareTableOffset + (long) index * ENTRY_BYTES;
    }

    static long word(int physicalPage, int owner) {
        return (Integer.toUnsignedLong(owner) << 32) | Integer.toUnsignedLong(physicalPage);
    }

    static int physicalPage(long word) {
        return (int) word;
    }

    /** @return logical page + 1, or 0 when free */
    static int owner(long word) {
        return (int) (word >>> 32);
    }
}
