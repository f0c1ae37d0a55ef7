package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.FastMmap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19 item 10: file systems shared between hosts are refused by default (no such mount exists on the test
 * machines, so the decision is tested on the types Linux reports, and the local path end to end).
 */
class RemoteFileSystemsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"nfs", "nfs4", "NFS", "cifs", "smb3", "smbfs", "9p", "virtiofs", "fuse.sshfs", "ceph",
            "fuse.glusterfs", "lustre", "gfs2", "ocfs2", "afs", "vboxsf"})
    void fileSystemsSharedBetweenHostsAreRemote(String type) {
        assertThat(RemoteFileSystems.isRemote(type)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "ext2/ext3", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "fuse.lxcfs"})
    void localFileSystemsAreNot(String type) {
        assertThat(RemoteFileSystems.isRemote(type)).isFalse();
    }

    @Test
    void aLocalFileSystemIsAcceptedAndItsTypeNamedInNoRefusal() throws Exception {
        String type = Files.getFileStore(dir).type();
        assertThat(RemoteFileSystems.isRemote(type)).as("the test directory's file system, %s", type).isFalse();
        FastMmap.builder(dir.resolve("c.fmm")).pageCount(1).pageSize(4096).build().close();
        FastMmap.builder(dir.resolve("c.fmm")).pageCount(1).pageSize(4096).allowRemoteFileSystem(true).build()
                .close();
    }

    @Test
    void filePermissionsThatLetEveryUserWriteAreRefusedAtOnce() {
        assertThatThrownBy(() -> FastMmap.builder(dir.resolve("c.fmm"))
                .filePermissions(PosixFilePermissions.fromString("rw-rw-rw-")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every user can write");
    }
}
