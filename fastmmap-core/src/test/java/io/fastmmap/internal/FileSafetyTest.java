package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fastmmap.CacheFileException;
import io.fastmmap.FastMmap;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSafetyTest {
    @TempDir
    Path directory;

    @Test
    void aSymbolicLinkToAVictimShouldBeRefusedAndTheVictimUnchanged() throws Exception {
        Path victim = directory.resolve("victim");
        Files.writeString(victim, "do not touch");
        Path link = Files.createSymbolicLink(directory.resolve("c.fmm"), victim);
        assertThatThrownBy(() -> FastMmap.builder(link).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> FastMmap.builder(link).recreate(true).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("symbolic link");
        assertThat(Files.readString(victim)).isEqualTo("do not touch");
    }

    @Test
    void aDanglingSymbolicLinkShouldBeRefusedAndNotFollowed() throws Exception {
        Path target = directory.resolve("would-be-created");
        Path link = Files.createSymbolicLink(directory.resolve("c.fmm"), target);
        assertThatThrownBy(() -> FastMmap.builder(link).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("symbolic link");
        assertThat(target).doesNotExist();
    }

    @Test
    void aHardLinkedFileShouldBeRefused() throws Exception {
        Path file = directory.resolve("c.fmm");
        FastMmap.builder(file).pageCount(1).pageSize(4096).build().close();
        Files.createLink(directory.resolve("other-name"), file);
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(1).pageSize(4096).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("2 hard links");
    }

    @Test
    void aLinkLeftByACreatorThatDiedShouldBeCleanedUp() throws Exception {
        Path file = directory.resolve("c.fmm");
        FastMmap.builder(file).pageCount(1).pageSize(4096).build().close();
        Path leftover = directory.resolve(".c.fmm.init-12345-abcd");
        Files.createLink(leftover, file);
        FastMmap.builder(file).pageCount(1).pageSize(4096).build().close();
        assertThat(leftover).doesNotExist();
    }

    @Test
    void aDirectoryOrFifoShouldBeRefused() throws Exception {
        Path dir = Files.createDirectory(directory.resolve("dir.fmm"));
        assertThatThrownBy(() -> FastMmap.builder(dir).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("not a regular file");
        Path fifo = directory.resolve("fifo.fmm");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
        assertThatThrownBy(() -> FastMmap.builder(fifo).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("not a regular file");
    }

    @Test
    void aFileOfAnotherUserShouldBeRefusedUnlessSharedWithTheGroup() throws Exception {
        Path file = directory.resolve("c.fmm");
        FastMmap.builder(file).pageCount(1).pageSize(4096).build().close();
        int me = (Integer) Files.getAttribute(file, "unix:uid");
        assumeTrue(me == 0, "changing a file's owner needs root (CI runs as root)");
        Files.setAttribute(file, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(1).pageSize(4096).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("owned by user id 4242");
        FastMmap.builder(file).pageCount(1).pageSize(4096)
                .filePermissions(PosixFilePermissions.fromString("rw-rw----")).build().close();
    }

    /** Issue 19, item 5: granting group write used to turn the owner check off altogether. */
    @Test
    void aSharedCacheShouldBeRefusedWhenItsGroupIsNotOursOrEveryoneMayWriteIt() throws Exception {
        Path shared = Files.createDirectory(directory.resolve("shared"));
        Process sticky = new ProcessBuilder("chmod", "1777", shared.toString()).start();
        assertThat(sticky.waitFor()).isZero();
        Path file = shared.resolve("c.fmm");
        FastMmap.builder(file).pageCount(1).pageSize(4096).build().close();
        assumeTrue((Integer) Files.getAttribute(file, "unix:uid") == 0, "changing owners needs root (CI runs as root)");
        FastMmap.Builder groupShared = FastMmap.builder(file).pageCount(1).pageSize(4096)
                .filePermissions(PosixFilePermissions.fromString("rw-rw----"));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(file, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", 65534, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(groupShared::build).isInstanceOf(CacheFileException.class)
                .hasMessageContaining("writable by every user (mode 666)");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertThatThrownBy(groupShared::build).isInstanceOf(CacheFileException.class)
                .hasMessageContaining("group id 65534").hasMessageContaining("not in that group");

        Files.setAttribute(file, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS); // root's own group
        groupShared.build().close();

        Files.setAttribute(file, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(1).pageSize(4096).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("writable by every user");
    }

    @Test
    void aDirectoryOfAnotherUserShouldBeRefused() throws Exception {
        Path theirs = Files.createDirectory(directory.resolve("theirs"));
        assumeTrue((Integer) Files.getAttribute(theirs, "unix:uid") == 0, "changing owners needs root");
        Files.setAttribute(theirs, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> FastMmap.builder(theirs.resolve("c.fmm")).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("is owned by user id 4242");
    }

    @Test
    void aDirectoryEveryoneCanWriteWithoutStickyBitShouldBeRefused() throws Exception {
        Path open = Files.createDirectory(directory.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> FastMmap.builder(open.resolve("c.fmm")).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("writable by every user");
        Process sticky = new ProcessBuilder("chmod", "1777", open.toString()).start();
        assertThat(sticky.waitFor()).isZero();
        FastMmap.builder(open.resolve("c.fmm")).pageCount(1).pageSize(4096).build().close();
    }

    @Test
    void aParentThatIsAFileShouldBeRefusedClearly() throws Exception {
        Path notADirectory = Files.writeString(directory.resolve("plain"), "x");
        assertThatThrownBy(() -> FastMmap.builder(notADirectory.resolve("c.fmm")).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("not a directory");
    }
}
