package io.fastmmap;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link FastMmap#verify()} or {@link FastMmap#repair()} found in a cache file.
 *
 * @param file the cache file
 * @param pagesChecked how many pages were locked and checked (every page of the file unless a lock timed out)
 * @param findings every violation of the file format found, in page order; empty for a sound file
 */
public record VerifyReport(Path file, int pagesChecked, List<Finding> findings) {
    /** The {@link Finding#pageIndex()} of a finding about the whole file (its header or spare table). */
    public static final int FILE_LEVEL = -1;

    /**
     * One violation of the file format.
     *
     * @param pageIndex the logical page it was found in, or {@link #FILE_LEVEL}
     * @param description what is wrong, in words, with the offsets and values involved
     * @param repaired true when {@link FastMmap#repair()} rebuilt the page and it then passed every check (which
     *     may drop the damaged entries: a damaged value is never kept)
     */
    public record Finding(int pageIndex, String description, boolean repaired) {
        /** @throws NullPointerException when description is null */
        public Finding {
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String toString() {
            return (pageIndex == FILE_LEVEL ? "file" : "page " + pageIndex) + ": " + description
                    + (repaired ? " (repaired)" : "");
        }
    }

    /** @throws NullPointerException when file or findings is null */
    public VerifyReport {
        Objects.requireNonNull(file, "file");
        findings = List.copyOf(findings);
    }

    /** @return true when nothing was found: every checked page (and the header) is exactly as the format promises */
    public boolean isClean() {
        return findings.isEmpty();
    }

    /** @return the findings that are still damage now: all of them after verify, the unrepaired ones after repair */
    public List<Finding> unrepaired() {
        return findings.stream().filter(finding -> !finding.repaired()).toList();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file + ": " + pagesChecked + " pages checked, ");
        text.append(findings.isEmpty() ? "no damage" : findings.size() + " finding(s)");
        for (Finding finding : findings) {
            text.append("\n  ").append(finding);
        }
        return text.toString();
    }
}
