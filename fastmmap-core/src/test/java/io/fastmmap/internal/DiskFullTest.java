package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fastmmap.Bytes;
import io.fastmmap.CacheFileException;
import io.fastmmap.FastMmap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creating a cache on a full file system: a clean {@link CacheFileException} that says so, no file or temporary file
 * left behind, no SIGBUS (the engine writes every byte of a new file before mapping it). Needs a small tmpfs, so it
 * runs as root (as CI does) and is skipped, saying why, otherwise.
 */
class DiskFullTest {
    private static final long FILE_SYSTEM_BYTES = 256 * 1024;

    @TempDir
    Path directory;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createDirectory(directory.resolve("small-fs"));
        Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + FILE_SYSTEM_BYTES + ",mode=0700",
                "fastmmap-test", mount.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        mounted = process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        if (!mounted) {
            System.out.println("DiskFullTest skipped: cannot mount a " + FILE_SYSTEM_BYTES / 1024 + " KiB tmpfs (needs "
                    + "root and CAP_SYS_ADMIN): " + output);
        }
        assumeTrue(mounted, "cannot mount a small tmpfs: " + output);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            // Lazy: on Java 17 a closed cache's mapping is only unmapped by the garbage collector, keeping the
            // file system busy; detaching it lets the temporary directory go now.
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCacheLargerThanTheFreeSpaceShouldFailCleanlyAndLeaveNothing() throws Exception {
        Path file = mount.resolve("sub").resolve("big.fmm");
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(64).pageSize(64 * 1024).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("disk full");
        assertThat(file).doesNotExist();
        assertThat(listAll(mount)).as("left behind").allSatisfy(path -> assertThat(path).isDirectory());

        // The space is free again: a cache that fits is created and works.
        try (FastMmap small = FastMmap.builder(file).pageCount(4).pageSize(4096).build()) {
            small.set(Bytes.utf8("k"), Bytes.utf8("v"));
            assertThat(small.get(Bytes.utf8("k"))).isEqualTo(Bytes.utf8("v"));
            assertThat(small.verify().isClean()).isTrue();
        }
    }

    @Test
    void aDiskFilledByAnotherFileShouldFailCleanlyAndLeaveThatFileAlone() throws Exception {
        Path filler = mount.resolve("filler");
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // the file system is full now
        }
        long fillerBytes = Files.size(filler);
        Path file = mount.resolve("c.fmm");
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(1).pageSize(4096).build())
                .isInstanceOf(CacheFileException.class).hasMessageContaining("disk full");
        assertThat(file).doesNotExist();
        try (Stream<Path> left = Files.list(mount)) {
            assertThat(left).containsExactly(filler);
        }
        assertThat(Files.size(filler)).isEqualTo(fillerBytes);
    }

    private static java.util.List<Path> listAll(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.toList();
        }
    }
}
