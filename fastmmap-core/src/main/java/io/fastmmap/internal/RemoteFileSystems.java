package io.fastmmap.internal;

import io.fastmmap.CacheFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses file systems that share files between hosts (NFS, SMB/CIFS, 9p, virtiofs, cluster file systems), as
 * LMDB's documentation warns: a shared mapping there is coherent only within one host (and not even that for some
 * of them), so the compare-and-set page locks exclude nothing across hosts while the fcntl locks that tell live
 * processes from dead ones seem to work. {@code FastMmap.Builder.allowRemoteFileSystem(true)} accepts them for use
 * by processes of a single host.
 */
final class RemoteFileSystems {
    /** As Linux names them in /proc/mounts, which {@link java.nio.file.FileStore#type()} reports. */
    private static final Set<String> REMOTE = Set.of("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "9p",
            "virtiofs", "afs", "ncpfs", "coda", "ceph", "glusterfs", "lustre", "gpfs", "ocfs2", "gfs2", "davfs",
            "sshfs", "beegfs", "orangefs", "pvfs2", "vboxsf", "vmhgfs", "prl_fs");

    private RemoteFileSystems() {
    }

    /** @return true for the type of a file system that hosts share; FUSE types count by their subtype */
    static boolean isRemote(String type) {
        String name = type.toLowerCase(Locale.ROOT);
        if (name.startsWith("fuse.")) {
            name = name.substring("fuse.".length());
        }
        return REMOTE.contains(name) || name.startsWith("nfs") || name.startsWith("smb");
    }

    static void check(Path file, boolean allowed) {
        if (allowed) {
            return;
        }
        String type;
        try {
            type = Files.getFileStore(file.getParent()).type();
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot tell the file system of its directory: " + e, e);
        }
        if (isRemote(type)) {
            throw new CacheFileException(file, "is on a " + type + " file system, which shares files between "
                    + "hosts: there a shared memory mapping is not coherent between hosts, so its locks would not "
                    + "exclude processes of different hosts and entries would be lost or damaged. Put the cache on a "
                    + "local file system (tmpfs such as /dev/shm, or a local disk), or, when only processes of one "
                    + "host use it, allow it with allowRemoteFileSystem(true)");
        }
    }
}
