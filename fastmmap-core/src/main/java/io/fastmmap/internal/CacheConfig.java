package io.fastmmap.internal;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Set;

/**
 * Everything {@code FastMmap.Builder} collected, checked.
 *
 * @param file the cache file
 * @param geometry page size and count
 * @param defaultTtlMillis 0 for no expiry
 * @param recreate wipe an existing file
 * @param deleteOnClose delete the file on close when no other process has it open
 * @param clock wall clock for expiry
 * @param lockTimeoutNanos how long to wait for a live lock holder
 * @param filePermissions mode of a created file
 */
public record CacheConfig(Path file, Geometry geometry, long defaultTtlMillis, boolean recreate,
        boolean deleteOnClose, Clock clock, long lockTimeoutNanos, Set<PosixFilePermission> filePermissions) {

    /** @return true when group members may write the file, so a file of another owner may be trusted */
    boolean sharedWithGroup() {
        return filePermissions.contains(PosixFilePermission.GROUP_WRITE);
    }
}
