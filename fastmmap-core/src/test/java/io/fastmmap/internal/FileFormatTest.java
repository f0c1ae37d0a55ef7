package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CacheCorruptedException;
import io.fastmmap.FastMmap;
import io.fastmmap.IncompatibleCacheFileException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFormatTest {
    @TempDir
    Path directory;

    private final Geometry geometry = new Geometry(4096, 3);

    private Path createSmall() {
        Path file = directory.resolve("c.fmm");
        try (FastMmap cache = FastMmap.builder(file).pageCount(3).pageSize(4096).build()) {
            cache.set("hello".getBytes(StandardCharsets.US_ASCII), "world".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    @Test
    void theHeaderShouldHoldItsFieldsAtTheDocumentedOffsets() throws IOException {
        Path file = createSmall();
        FileLayout layout = new FileLayout(geometry);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("FASTMMAP");
        try (RawFile raw = new RawFile(file, geometry)) {
            SharedMemory memory = raw.memory;
            assertThat(memory.getInt(8)).isEqualTo(2);
            assertThat(memory.getInt(12)).isEqualTo(FileLayout.LAYOUT_DESCRIPTOR);
            assertThat(memory.getInt(16)).isEqualTo(4096);
            assertThat(memory.getInt(20)).isEqualTo(3);
            assertThat(memory.getInt(24)).isEqualTo(3);
            assertThat(memory.getInt(28)).isEqualTo(1024);
            assertThat(memory.getLong(32)).isEqualTo(Files.size(file)).isEqualTo(layout.fileSize());
            assertThat(memory.getLong(56)).isEqualTo(4096);
            assertThat(memory.getLong(64)).isEqualTo(4096 + 1024 * 16);
            assertThat(memory.getLong(72)).isEqualTo(layout.directoryOffset()).isEqualTo(20480 + 64);
            assertThat(memory.getLong(80)).isEqualTo(layout.pagesOffset()).isEqualTo(24576);
            assertThat(memory.getInt(88)).isEqualTo(FileHeader.checksum(memory));
            assertThat(layout.fileSize()).isEqualTo(24576 + 6 * 4096);
            // each logical page starts in its own physical page; spares are the rest
            for (int page = 0; page < 3; page++) {
                assertThat(memory.getInt(raw.directoryEntry(page) + PageDirectory.OPERATION_OFFSET)).isZero();
                assertThat(memory.getLong(raw.directoryEntry(page) + PageDirectory.LOCK_WORD_OFFSET) & 0xFFFF).isZero();
            }
            long record = raw.recordOf("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(record).isPositive();
            assertThat(memory.getShort(record + PageFormat.KEY_LENGTH_OFFSET)).isEqualTo(5);
            assertThat(memory.getInt(record + PageFormat.VALUE_LENGTH_OFFSET)).isEqualTo(5);
            assertThat(memory.getLong(record + PageFormat.EXPIRE_AT_OFFSET)).isZero();
        }
    }

    @Test
    void theFileShouldBeFullyAllocatedNotSparse() throws Exception {
        Path file = createSmall();
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim()
                .split(" ");
        assertThat(stat.waitFor()).isZero();
        assertThat(Long.parseLong(blocks[0]) * Long.parseLong(blocks[1])).isGreaterThanOrEqualTo(Files.size(file));
    }

    @Test
    void anotherGeometryShouldBeRefusedNamingTheDifferenceAndLeftUntouched() throws Exception {
        Path file = createSmall();
        String before = digest(file);
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(5).pageSize(4096).build())
                .isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining("pageSize=4096, pageCount=3")
                .hasMessageContaining("pageCount=5")
                .hasMessageContaining("recreate(true)");
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(3).pageSize(8192).build())
                .isInstanceOf(IncompatibleCacheFileException.class);
        assertThat(digest(file)).isEqualTo(before);
    }

    @Test
    void aForeignFileShouldBeRefusedAndNeverOverwritten() throws Exception {
        Path file = directory.resolve("notes.txt");
        Files.writeString(file, "precious notes that are not a cache ".repeat(2000));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String before = digest(file);
        assertThatThrownBy(() -> FastMmap.builder(file).build())
                .isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining("not a fastmmap cache file")
                .hasMessageContaining("precious");
        assertThat(digest(file)).isEqualTo(before);
        try (FastMmap cache = FastMmap.builder(file).recreate(true).build()) {
            cache.set(new byte[] {1}, new byte[] {2});
            assertThat(cache.get(new byte[] {1})).containsExactly(2);
        }
    }

    @Test
    void shortTruncatedAndDamagedFilesShouldBeRefusedClearly() throws Exception {
        Path empty = directory.resolve("empty.fmm");
        Files.createFile(empty);
        assertThatThrownBy(() -> FastMmap.builder(empty).build())
                .isInstanceOf(IncompatibleCacheFileException.class).hasMessageContaining("0 bytes long");

        Path truncated = createSmall();
        try (RandomAccessFile file = new RandomAccessFile(truncated.toFile(), "rw")) {
            file.setLength(file.length() - 1);
        }
        assertThatThrownBy(() -> FastMmap.builder(truncated).pageCount(3).pageSize(4096).build())
                .isInstanceOf(CacheCorruptedException.class).hasMessageContaining("truncated");
        Files.delete(truncated);

        Path versioned = createSmall();
        patch(versioned, 8, new byte[] {3});
        assertThatThrownBy(() -> FastMmap.builder(versioned).pageCount(3).pageSize(4096).build())
                .isInstanceOf(IncompatibleCacheFileException.class).hasMessageContaining("format version 3");
        Files.delete(versioned);

        Path damaged = createSmall();
        // createdAt, whose low byte is the creation time's: flipped, never overwritten with a constant it may hold
        patch(damaged, 48, new byte[] {(byte) ~Files.readAllBytes(damaged)[48]}); // only the checksum can notice
        assertThatThrownBy(() -> FastMmap.builder(damaged).pageCount(3).pageSize(4096).build())
                .isInstanceOf(CacheCorruptedException.class).hasMessageContaining("checksum");
        try (FastMmap cache = FastMmap.builder(damaged).pageCount(3).pageSize(4096).recreate(true).build()) {
            assertThat(cache.get("hello".getBytes(StandardCharsets.US_ASCII))).isNull();
        }
    }

    @Test
    void aHeaderFieldThatDisagreesWithTheGeometryShouldBeRefusedByName() throws Exception {
        Path file = createSmall();
        long moved = new FileLayout(geometry).directoryOffset() + 64;
        try (RawFile raw = new RawFile(file, geometry)) { // as a foreign writer would: the checksum still passes
            raw.memory.putLong(FileHeader.DIRECTORY_OFFSET_OFFSET, moved);
            raw.memory.putInt(FileHeader.CHECKSUM_OFFSET, FileHeader.checksum(raw.memory));
        }
        String before = digest(file);
        assertThatThrownBy(() -> FastMmap.builder(file).pageCount(3).pageSize(4096).build())
                .isInstanceOf(IncompatibleCacheFileException.class)
                .hasMessageContaining("directoryOffset=" + moved)
                .hasMessageContaining("recreate(true)");
        assertThat(digest(file)).isEqualTo(before);
    }

    @Test
    void manyThreadsCreatingOneFileShouldAllOpenTheSameCache() throws Exception {
        Path file = directory.resolve("race.fmm");
        int threads = 8;
        Thread[] workers = new Thread[threads];
        Throwable[] failures = new Throwable[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                try (FastMmap cache = FastMmap.builder(file).pageCount(3).pageSize(4096).build()) {
                    cache.set(new byte[] {(byte) id}, new byte[] {(byte) id});
                } catch (Throwable e) {
                    failures[id] = e;
                }
            });
        }
        for (Thread worker : workers) {
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).containsOnlyNulls();
        try (FastMmap cache = FastMmap.builder(file).pageCount(3).pageSize(4096).build()) {
            for (int t = 0; t < threads; t++) {
                assertThat(cache.get(new byte[] {(byte) t})).containsExactly(t);
            }
        }
        try (var siblings = Files.list(directory)) {
            assertThat(siblings).as("no temporary files left behind").containsExactly(file);
        }
    }

    static void patch(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(offset);
            raw.write(bytes);
        }
    }

    static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
