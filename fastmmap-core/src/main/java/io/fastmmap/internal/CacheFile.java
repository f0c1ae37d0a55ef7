package io.fastmmap.internal;

import io.fastmmap.CacheCorruptedException;
import io.fastmmap.CacheFileException;
import io.fastmmap.IncompatibleCacheFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Creating, checking and opening cache files safely.
 *
 * <p><b>Creation</b> never exposes a half-made file: the file is written in full (zeros first, so it is not sparse
 * and a full disk fails here with an IOException instead of a SIGBUS later), initialised, and only then published
 * under its name with a hard link, which fails rather than replace a file that appeared meanwhile. Of many
 * processes creating one file at once, exactly one link succeeds; the others open the winner's file.
 *
 * <p><b>Trust</b>: the file must be a regular file, not a symbolic link, with one link only, not writable by every
 * user, owned by this user (or, when the cache is shared with a group, of a group this process is in), in a
 * directory owned by this user or root that not every user can write to without a sticky bit.
 * A file that fails the header check is never changed or deleted, except by {@code recreate(true)} while no other
 * process has it open.
 */
final class CacheFile {
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final int ALLOCATION_CHUNK = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A mapped, checked cache file.
     *
     * @param fileKey the identity (device and inode) of the file mapped, taken so that it cannot be another file's:
     *     the path may name a different file a moment later
     */
    record Opened(Path file, FileChannel channel, SharedMemory memory, FileLayout layout, long hashSeed,
            Object fileKey, ProcessSlots slots) {
    }

    private CacheFile() {
    }

    static BasicFileAttributes attributesOrNull(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot read the file's attributes: " + e, e);
        }
    }

    static void ensureDirectory(Path file) {
        Path directory = file.getParent();
        try {
            if (!Files.exists(directory)) {
                createPrivateDirectories(directory);
            }
            if (!Files.isDirectory(directory)) {
                throw new CacheFileException(file, "its parent " + directory + " is not a directory");
            }
            int mode = (Integer) Files.getAttribute(directory, "unix:mode");
            if ((mode & 0002) != 0 && (mode & 01000) == 0) {
                throw new CacheFileException(file, "its directory " + directory + " is writable by every user "
                        + "and has no sticky bit, so anyone could replace the cache file; use a private directory "
                        + "(mode 0700)");
            }
            int owner = (Integer) Files.getAttribute(directory, "unix:uid");
            int me = ProcessIdentity.uid();
            if (owner != me && owner != 0) {
                throw new CacheFileException(file, "its directory " + directory + " is owned by user id " + owner
                        + ", neither this process's user id " + me + " nor root; its owner could replace the cache "
                        + "file with one of forged entries: use a directory of this user (or one made by root)");
            }
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot create or check its directory " + directory + ": " + e, e);
        }
    }

    private static void createPrivateDirectories(Path directory) throws IOException {
        Path parent = directory.getParent();
        if (parent != null && !Files.exists(parent)) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
            Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY); // the umask may have narrowed it
        } catch (FileAlreadyExistsException raced) {
            // another process created it first
        }
    }

    /** Refuses a file that could be a trap. */
    static void checkTrusted(Path file, BasicFileAttributes attributes, CacheConfig config) {
        if (attributes.isSymbolicLink()) {
            throw new CacheFileException(file, "is a symbolic link; fastmmap never follows a link to its cache "
                    + "file, since a link can point anywhere: give the real file's path");
        }
        if (!attributes.isRegularFile()) {
            throw new CacheFileException(file, "is not a regular file (it is a "
                    + (attributes.isDirectory() ? "directory" : "device, FIFO or socket") + "); choose another path");
        }
        try {
            checkOwner(file, config);
            int links = (Integer) Files.getAttribute(file, "unix:nlink", NO_FOLLOW);
            if (links > 1 && removeOwnCreationLinks(file, attributes.fileKey()) && links - 1 == 1) {
                return;
            }
            if (links > 1) {
                throw new CacheFileException(file, "has " + links + " hard links; another name for the same file "
                        + "could be used to tamper with it: remove the other links");
            }
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot check the file's owner and links: " + e, e);
        }
    }

    /**
     * A file only its owner, this user, can write; or, when the cache is shared with a group, a file of a group
     * this process belongs to. Nobody else may be able to write it: they could plant entries.
     */
    private static void checkOwner(Path file, CacheConfig config) throws IOException {
        int mode = (Integer) Files.getAttribute(file, "unix:mode", NO_FOLLOW);
        if ((mode & 0002) != 0) {
            throw new CacheFileException(file, "is writable by every user (mode " + Integer.toOctalString(mode & 0777)
                    + "), so anyone could have planted entries in it; delete it (fastmmap creates it again with "
                    + "filePermissions), or remove the write permission for others");
        }
        int owner = (Integer) Files.getAttribute(file, "unix:uid", NO_FOLLOW);
        int me = ProcessIdentity.uid();
        if (owner == me) {
            return;
        }
        if (!config.sharedWithGroup()) {
            throw new CacheFileException(file, "is owned by user id " + owner + ", not by this process's user id "
                    + me + "; a cache file of another user is refused, since it could hold forged data: delete "
                    + "it, or grant GROUP_WRITE in filePermissions to share one cache within a group");
        }
        int group = (Integer) Files.getAttribute(file, "unix:gid", NO_FOLLOW);
        Set<Integer> myGroups = ProcessIdentity.groups();
        if (!myGroups.contains(group)) {
            throw new CacheFileException(file, "is owned by user id " + owner + " and group id " + group + ", and "
                    + "this process (user id " + me + ") is not in that group (its groups: " + myGroups + "); a "
                    + "cache shared with a group must belong to a group of every user sharing it: delete it, or "
                    + "give it the shared group (chgrp)");
        }
    }

    private static String creationPrefix(Path file) {
        return "." + file.getFileName() + ".init-";
    }

    /**
     * A creator links its finished temporary file to the cache name and then removes the temporary name; one
     * that died in between leaves a second link. Such a link, with our reserved name and the same inode, is ours
     * to remove.
     */
    private static boolean removeOwnCreationLinks(Path file, Object fileKey) throws IOException {
        boolean removed = false;
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(file.getParent(),
                creationPrefix(file) + "*")) {
            for (Path sibling : siblings) {
                BasicFileAttributes attributes = attributesOrNull(sibling);
                if (attributes != null && attributes.isRegularFile() && fileKey.equals(attributes.fileKey())) {
                    Files.deleteIfExists(sibling);
                    removed = true;
                }
            }
        }
        return removed;
    }

    /**
     * Opens an existing, trusted file and checks its header.
     *
     * @param fileKey the identity of the file the caller checked under this path
     * @return the opened file, or null when the path named another file by the time it was opened (another process
     *     replaced or removed it meanwhile): check again
     */
    static Opened openExisting(CacheConfig config, Path file, Object fileKey) {
        FileChannel channel = null;
        ProcessSlots slots = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            slots = new ProcessSlots(file, channel);
            slots.enterGate(true, config.lockTimeoutNanos());
            // The path named the checked file before and after the open, so the channel is that file; and with the
            // gate held, nobody replaces or deletes it before this process holds a slot.
            if (!namesFile(file, fileKey)) {
                close(slots, channel);
                return null;
            }
            FileLayout layout = new FileLayout(config.geometry());
            long hashSeed;
            try {
                hashSeed = checkHeader(file, channel, layout);
            } catch (IncompatibleCacheFileException | CacheCorruptedException refused) {
                Geometry found = config.migrateEntries() ? cacheGeometryOrNull(file, channel) : null;
                if (found != null && !found.equals(config.geometry())) {
                    EntryMigration.run(config, file, fileKey, channel, slots, found);
                    close(slots, channel);
                    return null; // the path names the new file now (or another process's): open that
                }
                if (!config.recreate()) {
                    throw refused;
                }
                Opened created = replace(config, file, fileKey, slots);
                close(slots, channel);
                return created;
            }
            SharedMemory memory = SharedMemory.map(channel, layout.fileSize(), config.geometry().pageSizeBytes());
            return new Opened(file, channel, memory, layout, hashSeed, fileKey, slots);
        } catch (IOException e) {
            close(slots, channel);
            throw new CacheFileException(file, "cannot open the cache file: " + e, e);
        } catch (RuntimeException e) {
            close(slots, channel);
            throw e;
        }
    }

    /** @return true while {@code file} names the file of {@code fileKey} */
    static boolean namesFile(Path file, Object fileKey) {
        BasicFileAttributes now = attributesOrNull(file);
        return now != null && fileKey.equals(now.fileKey());
    }

    /** @return the geometry of a whole, undamaged cache file of this format, or null when it is not one */
    private static Geometry cacheGeometryOrNull(Path file, FileChannel channel) {
        try {
            ByteBuffer header = readHeader(file, channel);
            Geometry found = new Geometry(header.getInt(FileHeader.PAGE_SIZE_OFFSET),
                    header.getInt(FileHeader.PAGE_COUNT_OFFSET));
            checkHeader(file, channel, new FileLayout(found));
            return found;
        } catch (IOException | RuntimeException notACacheOfThisFormat) {
            return null;
        }
    }

    private static void close(ProcessSlots slots, FileChannel channel) {
        if (slots != null) {
            slots.close();
        }
        closeQuietly(channel);
    }

    /** @return the file's hash seed, after checking that it is a cache of exactly this layout */
    static long checkHeader(Path file, FileChannel channel, FileLayout layout) throws IOException {
        long size = channel.size();
        ByteBuffer header = readHeader(file, channel);
        Geometry wanted = layout.geometry();
        int pageSize = header.getInt(FileHeader.PAGE_SIZE_OFFSET);
        int pageCount = header.getInt(FileHeader.PAGE_COUNT_OFFSET);
        if (pageSize != wanted.pageSizeBytes() || pageCount != wanted.pageCount()) {
            throw new IncompatibleCacheFileException(file, "was created with pageSize=" + pageSize + ", pageCount="
                    + pageCount + " but this cache asks for pageSize=" + wanted.pageSizeBytes() + ", pageCount="
                    + wanted.pageCount() + "; open it with the geometry it was created with, or use "
                    + "recreate(true) to wipe it");
        }
        long recordedSize = header.getLong(FileHeader.FILE_SIZE_OFFSET);
        if (recordedSize != layout.fileSize() || size != recordedSize) {
            throw new CacheCorruptedException(file + ": the file is " + size + " bytes and its header records "
                    + recordedSize + " bytes; " + layout.fileSize() + " are expected for its geometry. Something "
                    + "truncated, extended or rewrote it; use recreate(true) to re-initialise it");
        }
        // The checks above give the likely mismatches their own advice; every other field only has to agree.
        for (FileHeader.Field field : FileHeader.fixedFields(layout)) {
            checkField(file, field.name(), field.readFrom(header), field.value());
        }
        return header.getLong(FileHeader.HASH_SEED_OFFSET);
    }

    /**
     * Reads the header and checks what every reader must: magic, format version, layout and checksum.
     *
     * @return the header's bytes, little-endian
     */
    static ByteBuffer readHeader(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < FileHeader.HEADER_USED_BYTES) {
            throw new IncompatibleCacheFileException(file, "is " + size + " bytes long, too short to be a fastmmap "
                    + "cache file; delete it or use recreate(true)");
        }
        ByteBuffer header = ByteBuffer.allocate(FileHeader.HEADER_USED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                break;
            }
        }
        long magic = header.getLong(FileHeader.MAGIC_OFFSET);
        if (magic != FileHeader.MAGIC) {
            throw new IncompatibleCacheFileException(file, "is not a fastmmap cache file (it starts with \""
                    + FileHeader.magicText(magic) + "\", not \"FASTMMAP\"); it was left untouched: choose another "
                    + "path, or use recreate(true) to overwrite it");
        }
        int version = header.getInt(FileHeader.VERSION_OFFSET);
        if (version != FileHeader.FORMAT_VERSION) {
            throw new IncompatibleCacheFileException(file, "has format version " + version + "; this fastmmap reads "
                    + "version " + FileHeader.FORMAT_VERSION + ": open it with the fastmmap that wrote it, or use "
                    + "recreate(true)");
        }
        int descriptor = header.getInt(FileHeader.LAYOUT_OFFSET);
        if (descriptor != FileLayout.LAYOUT_DESCRIPTOR) {
            throw new IncompatibleCacheFileException(file, "uses memory layout " + Integer.toHexString(descriptor)
                    + ", this build uses " + Integer.toHexString(FileLayout.LAYOUT_DESCRIPTOR)
                    + "; open it with the fastmmap that wrote it, or use recreate(true)");
        }
        byte[] checked = new byte[FileHeader.CHECKSUM_OFFSET - FileHeader.VERSION_OFFSET];
        header.get(FileHeader.VERSION_OFFSET, checked);
        if (FileHeader.checksum(checked) != header.getInt(FileHeader.CHECKSUM_OFFSET)) {
            throw new CacheCorruptedException(file + ": the file header fails its checksum: it was damaged; "
                    + "use recreate(true) to re-initialise the file");
        }
        return header;
    }

    /** A header field that the geometry determines; the checksum passed, so a mismatch is a foreign writer. */
    private static void checkField(Path file, String name, long recorded, long expected) {
        if (recorded != expected) {
            throw new IncompatibleCacheFileException(file, "records " + name + "=" + recorded + " where this "
                    + "fastmmap computes " + expected + " for the same geometry; it was written by an incompatible "
                    + "program: open it with that program, or use recreate(true)");
        }
    }

    /**
     * recreate(true) on a file that is not a cache of this geometry: replace it when nobody has it open. With the
     * file's gate held exclusively, no process attaches meanwhile, and of two processes replacing it at once the
     * second finds the first one's file under the path and opens that.
     *
     * @return the new file, or null when the path names another file by now (open that)
     */
    private static Opened replace(CacheConfig config, Path file, Object fileKey, ProcessSlots slots) {
        slots.leaveGate();
        slots.enterGate(false, config.lockTimeoutNanos());
        if (!namesFile(file, fileKey)) {
            return null;
        }
        if (slots.othersAttached()) {
            throw new CacheFileException(file, "recreate(true) cannot replace this file while other processes "
                    + "have it open with another geometry or format; stop them first");
        }
        return create(config, file, true);
    }

    /**
     * Creates, fills and initialises the file under a temporary name, then publishes it.
     *
     * @param replace true to atomically replace an existing file, false to fail (return null) when one appeared
     * @return the opened file, or null when another process published the file first
     */
    static Opened create(CacheConfig config, Path file, boolean replace) {
        removeLeftoversOfDeadCreators(file);
        FileLayout layout = new FileLayout(config.geometry());
        Path temporary = temporaryName(file);
        Set<PosixFilePermission> permissions = EnumSet.copyOf(config.filePermissions());
        FileChannel channel = null;
        ProcessSlots slots = null;
        SharedMemory memory = null;
        try {
            channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(permissions));
            slots = new ProcessSlots(file, channel);
            // Held until this process holds a slot: the gate tells others that the temporary file is alive, and
            // keeps the published file from being replaced or deleted before this process is attached to it.
            slots.enterGate(true, config.lockTimeoutNanos());
            Files.setPosixFilePermissions(temporary, permissions); // the umask may have narrowed them
            allocate(file, channel, layout.fileSize());
            memory = SharedMemory.map(channel, layout.fileSize(), config.geometry().pageSizeBytes());
            long hashSeed = RANDOM.nextLong();
            new PageStore(memory, layout, file, hashSeed, null).initialiseNewFile();
            FileHeader.write(memory, layout, hashSeed, config.clock().millis());
            // Read under the temporary name, which only this process uses: once published, the name is anyone's.
            Object fileKey = Files.readAttributes(temporary, BasicFileAttributes.class, NO_FOLLOW).fileKey();
            if (replace) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    Files.createLink(file, temporary);
                } catch (FileAlreadyExistsException lostTheRace) {
                    memory.close();
                    Files.deleteIfExists(temporary);
                    close(slots, channel);
                    return null;
                }
                Files.deleteIfExists(temporary);
            }
            return new Opened(file, channel, memory, layout, hashSeed, fileKey, slots);
        } catch (NoSuchFileException e) {
            if (Files.notExists(temporary, NO_FOLLOW) && Files.isDirectory(file.getParent())) {
                // Another process took it for a dead creator's leftover in the instant before this one locked it
                // (see removeLeftoversOfDeadCreators): start again.
                if (memory != null) {
                    memory.close();
                }
                close(slots, channel);
                return null;
            }
            throw failedCreation(file, layout, temporary, memory, slots, channel, e);
        } catch (IOException | RuntimeException e) {
            throw failedCreation(file, layout, temporary, memory, slots, channel, e);
        }
    }

    /** Releases what {@link #create} made and says why it failed. */
    private static CacheFileException failedCreation(Path file, FileLayout layout, Path temporary,
            SharedMemory memory, ProcessSlots slots, FileChannel channel, Exception e) {
        if (memory != null) {
            memory.close();
        }
        close(slots, channel);
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // the original failure matters more
        }
        if (e instanceof CacheFileException cacheFileException) {
            return cacheFileException;
        }
        return new CacheFileException(file, "cannot create the cache file of " + layout.fileSize() + " bytes: " + e,
                e);
    }

    /** @return a new name for a file that becomes {@code file} once complete; a creator's own, unique */
    static Path temporaryName(Path file) {
        return file.resolveSibling(creationPrefix(file) + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(RANDOM.nextInt()));
    }

    /**
     * A creator that died before publishing leaves its temporary file. A live creator holds a lock byte of it
     * (the gate while creating, a slot while carrying entries over), which the kernel drops when it dies: the
     * file's lock tells, and a file nobody holds is a leftover once its pid (in the name) runs no process here or
     * it is older than {@link #LEFTOVER_MIN_AGE_MILLIS}. The pid alone cannot tell: in another PID namespace
     * (containers sharing a volume) a live creator's pid runs no process here, and a dead one's may run another.
     * A creator takes the lock a moment after creating the file; one whose file is removed in that moment starts
     * again (see {@link #create}).
     */
    private static void removeLeftoversOfDeadCreators(Path file) {
        String prefix = creationPrefix(file);
        String ours = prefix + ProcessHandle.current().pid() + "-";
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(file.getParent(), prefix + "*")) {
            for (Path sibling : siblings) {
                // This process's own: closing a second descriptor of it would drop this process's locks on it.
                if (!sibling.getFileName().toString().startsWith(ours) && abandoned(sibling, prefix)) {
                    Files.deleteIfExists(sibling);
                }
            }
        } catch (IOException | RuntimeException e) {
            // leftovers only waste space; creating the cache matters more
        }
    }

    static final long LEFTOVER_MIN_AGE_MILLIS = 10_000;

    private static boolean abandoned(Path temporary, String prefix) throws IOException {
        BasicFileAttributes attributes = attributesOrNull(temporary);
        if (attributes == null || !attributes.isRegularFile()) {
            return false;
        }
        boolean young = System.currentTimeMillis() - attributes.lastModifiedTime().toMillis() < LEFTOVER_MIN_AGE_MILLIS;
        if (young && creatorRunsHere(temporary, prefix)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS); ProcessSlots probe = new ProcessSlots(temporary, channel)) {
            return !probe.anyoneAttachedOrCreating();
        }
    }

    private static boolean creatorRunsHere(Path temporary, String prefix) {
        String rest = temporary.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        try {
            return ProcessHandle.of(Long.parseLong(dash < 0 ? rest : rest.substring(0, dash))).isPresent();
        } catch (NumberFormatException notOurs) {
            return true; // not a name this class made: leave it alone
        }
    }

    /** Writes zeros over the whole length: a sparse file could fail with SIGBUS on first use when the disk fills. */
    private static void allocate(Path file, FileChannel channel, long byteCount) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(ALLOCATION_CHUNK);
        long position = 0;
        try {
            while (position < byteCount) {
                zeros.clear().limit((int) Math.min(ALLOCATION_CHUNK, byteCount - position));
                while (zeros.hasRemaining()) {
                    position += channel.write(zeros, position);
                }
            }
        } catch (IOException e) {
            throw new CacheFileException(file, "cannot allocate " + byteCount + " bytes for the cache file (is the "
                    + "disk full?): " + e.getMessage(), e);
        }
    }

    static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
