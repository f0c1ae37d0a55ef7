package io.fastmmap.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Who this process is to the kernel, for the trust checks of {@link CacheFile}: its effective user id and every
 * group it belongs to (effective and supplementary), as Linux reports them in {@code /proc/self/status}.
 */
final class ProcessIdentity {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessIdentity() {
    }

    static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** @return the effective group id and the supplementary groups */
    static Set<Integer> groups() throws IOException {
        Set<Integer> groups = new HashSet<>();
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("Gid:")) {
                groups.add(Integer.parseInt(line.substring(4).trim().split("\\s+")[1])); // real, effective, ...
            } else if (line.startsWith("Groups:")) {
                for (String group : line.substring(7).trim().split("\\s+")) {
                    if (!group.isEmpty()) {
                        groups.add(Integer.parseInt(group));
                    }
                }
            }
        }
        return groups;
    }
}
