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
 * @param migrateEntries carry the live entries of a file of another geometry over to a new file of this one
 * @param allowRemoteFileSystem accept a file on a network or host-shared file system (single-host use only)
 */
public record CacheConfig(Path file, Geometry geometry, long defaultTtlMillis, boolean recreate,
        boolean deleteOnClose, Clock clock, long lockTimeoutNanos, Set<PosixFilePermission> filePermissions,
        boolean migrateEntries, boolean allowRemoteFileSystem) {

    /** Without migration, on a local file system only. */
    public CacheConfig(Path file, Geometry geometry, long defaultTtlMillis, boolean recreate, boolean deleteOnClose,
            Clock clock, long lockTimeoutNanos, Set<PosixFilePermission> filePermissions) {
        this(file, geometry, defaultTtlMillis, recreate, deleteOnClose, clock, lockTimeoutNanos, filePermissions,
                false, false);
    }

    /** @return this configuration for the file that entries are carried over into, under its temporary name */
    CacheConfig forMigrationTarget(Path temporary) {
        return new CacheConfig(temporary, geometry, defaultTtlMillis, false, false, clock, lockTimeoutNanos,
                filePermissions, false, allowRemoteFileSystem);
    }

    /** @return true when group members may write the file, so a file of another owner may be trusted */
    boolean sharedWithGroup() {
        return filePermissions.contains(PosixFilePermission.GROUP_WRITE);
    }
}
