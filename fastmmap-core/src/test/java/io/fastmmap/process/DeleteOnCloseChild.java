package io.fastmmap.process;

import io.fastmmap.FastMmap;
import io.fastmmap.FastMmapException;
import io.fastmmap.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One side of {@link DeleteOnCloseRaceTest}, {@code iterations} times over: an {@code attacher} opens the file, writes
 * a key, reads it back and, still attached, checks that the path still names the file it writes to (verify's path
 * check); a {@code deleter} opens it with {@code deleteOnClose(true)}, writes, closes, and counts the closes after
 * which the file was gone. Ends with {@code SUMMARY ok=N lost=N refused=N deleted=N}: lost counts attachments whose
 * file was unlinked under them or whose write was not read back; refused, opens refused with a FastMmapException.
 *
 * <p>Arguments: {@code file role iterations name}.
 */
public final class DeleteOnCloseChild {
    static final int PAGE_COUNT = 2;
    static final int PAGE_SIZE = 4096;

    private DeleteOnCloseChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, DeleteOnCloseChild::run);
    }

    private static void run(String[] args) {
        Path file = Path.of(args[0]);
        boolean deleter = switch (args[1]) {
            case "deleter" -> true;
            case "attacher" -> false;
            default -> throw new IllegalArgumentException("role " + args[1]);
        };
        int iterations = Integer.parseInt(args[2]);
        String name = args[3];
        int ok = 0;
        int lost = 0;
        int refused = 0;
        int deleted = 0;
        ChildSupport.println("READY " + name);
        for (int n = 0; n < iterations; n++) {
            byte[] key = (name + "-" + n).getBytes(StandardCharsets.UTF_8);
            try (FastMmap cache = FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE)
                    .deleteOnClose(deleter).build()) {
                cache.set(key, key);
                VerifyReport report = cache.verify();
                boolean pathMoved = report.findings().stream()
                        .anyMatch(finding -> finding.description().contains("no longer names the file"));
                if (pathMoved || !java.util.Arrays.equals(cache.get(key), key)) {
                    lost++;
                    ChildSupport.println("LOST " + name + "-" + n + ": " + report);
                } else {
                    ok++;
                }
            } catch (FastMmapException e) {
                refused++;
            }
            if (deleter && !Files.exists(file)) {
                deleted++;
            }
        }
        ChildSupport.println("SUMMARY ok=" + ok + " lost=" + lost + " refused=" + refused + " deleted=" + deleted);
    }
}
