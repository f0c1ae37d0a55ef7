package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.Bytes;
import io.fastmmap.CacheClosedException;
import io.fastmmap.CacheFileException;
import io.fastmmap.CapturedLog;
import io.fastmmap.FastMmap;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WARNING naming the file, the page and what to do for each thing the engine does on its own: a damaged page
 * repaired, a file truncated or replaced under an open cache; and at most one such line a minute per file and kind.
 * (A lock taken over from a killed process: {@code io.fastmmap.process.DeadHolderWarningTest}.)
 */
class EngineWarningsTest {
    @TempDir
    Path directory;

    @Test
    void aRepairedDamagedPageIsLoggedWithThePageAndWhatToDo() throws Exception {
        SmallCacheFile cacheFile = new SmallCacheFile(directory.resolve("damaged.fmm"), new Geometry(4096, 2));
        cacheFile.fill(20, 60, cache -> { });
        int page;
        try (RawFile raw = cacheFile.raw()) {
            page = raw.pageOf(Bytes.utf8("k7"));
            raw.memory.putInt(raw.recordOf(Bytes.utf8("k7")) + PageFormat.VALUE_LENGTH_OFFSET, Integer.MAX_VALUE);
        }
        try (CapturedLog log = new CapturedLog(); FastMmap cache = cacheFile.open()) {
            assertThat(cache.get(Bytes.utf8("k7"))).isNull();
            List<String> lines = log.awaitWarningsWith(cacheFile.file.toString(), 1);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("repaired page " + page, "failed a check",
                    "fastmmap verify " + cacheFile.file, "cache.page.repairs");
            assertThat(cache.stats().pageRepairCount()).isEqualTo(1);
        }
    }

    /**
     * On every JDK: the page lock's compare-and-set on the truncated file killed a JDK 17 JVM (SIGBUS in
     * Unsafe_CompareAndSetLong) until SharedMemory had the JIT compile it first; and close() threw the fault's raw
     * InternalError (Attachment.release reads the lock words) until it learnt to finish without them. (The test
     * truncates through a descriptor of its own, which drops this process's file locks: no other process is there
     * to notice.)
     */
    @Test
    void aFileTruncatedUnderTheMappingIsLoggedAndCloseStillReleasesIt() throws Exception {
        Path file = directory.resolve("truncated.fmm");
        FastMmap cache = FastMmap.builder(file).pageCount(4).pageSize(4096).build();
        try (CapturedLog log = new CapturedLog()) {
            cache.set(Bytes.utf8("a"), Bytes.utf8("1"));
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                raw.setLength(1024);
            }
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    cache.get(Bytes.utf8("key" + i));
                }
            }).isInstanceOf(CacheFileException.class).hasMessageContaining("was truncated to 1024 bytes");
            List<String> lines = log.awaitWarningsWith(file.toString(), 1);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("was truncated to 1024 bytes", "recreate(true)");
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                raw.setLength(0); // the lock words too
            }
            assertThatThrownBy(cache::close).isInstanceOf(CacheFileException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("was truncated to 0 bytes")
                    .hasMessageContaining("recreate(true)");
            assertThatThrownBy(() -> cache.get(Bytes.utf8("a"))).isInstanceOf(CacheClosedException.class);
            try (FastMmap again = FastMmap.builder(file).pageCount(4).pageSize(4096).recreate(true).build()) {
                assertThat(again.get(Bytes.utf8("a"))).as("a new file, after the slot was given up").isNull();
            }
        }
    }

    /**
     * A lock word read from a truncated file is not evidence of a dead holder: on Java 17, compiled code reading the
     * lost part of the mapping gets garbage until the fault is delivered, and CI once saw that garbage taken over
     * ("a damaged lock word naming slot 4351") and logged beside the truncation. Here the page directory survives the
     * cut and names such a holder, so every JDK reaches the same decision deterministically.
     */
    @Test
    void aLockHeldByNoLiveProcessInATruncatedFileIsNotTakenOver() throws Exception {
        Path file = directory.resolve("cut.fmm");
        FastMmap.builder(file).pageCount(4).pageSize(4096).build().close();
        byte[] key = Bytes.utf8("k");
        long cut;
        try (RawFile raw = new RawFile(file, new Geometry(4096, 4))) {
            long lockWord = raw.directoryEntry(raw.pageOf(key)) + PageDirectory.LOCK_WORD_OFFSET;
            raw.memory.putLong(lockWord, PageDirectory.heldBy(0, 4350));
            cut = raw.layout.pagesOffset();
        }
        try (CapturedLog log = new CapturedLog()) {
            FastMmap cache = FastMmap.builder(file).pageCount(4).pageSize(4096).build();
            try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                raw.setLength(cut);
            }
            assertThatThrownBy(() -> cache.get(key)).isInstanceOf(CacheFileException.class)
                    .hasMessageContaining("was truncated to " + cut + " bytes");
            assertThatThrownBy(cache::close).isInstanceOf(CacheFileException.class);
            List<String> lines = log.awaitWarningsWith(file.toString(), 1);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("was truncated to " + cut + " bytes");
        }
    }

    @Test
    void aFileReplacedUnderAnOpenCacheIsLoggedWhenACheckFindsIt() throws Exception {
        Path file = directory.resolve("replaced.fmm");
        try (CapturedLog log = new CapturedLog();
                FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
            Path other = Files.writeString(directory.resolve("other"), "another file");
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
            assertThat(cache.verifyNext(1).isClean()).isFalse();
            List<String> lines = log.awaitWarningsWith(file.toString(), 1);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("another file was put in its place", "open the path again");
        }
    }

    /** No operation looks (a system call each); opening the path again in this JVM is a moment that can. */
    @Test
    void aFileReplacedUnderAnOpenCacheIsLoggedWhenThisJvmOpensThePathAgain() throws Exception {
        Path file = directory.resolve("reopened.fmm");
        Path other = directory.resolve("other.fmm");
        try (CapturedLog log = new CapturedLog();
                FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
            FastMmap.builder(other).pageCount(2).pageSize(4096).build().close();
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
            try (FastMmap again = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
                List<String> lines = log.awaitWarningsWith(file.toString(), 1);
                assertThat(lines).hasSize(1);
                assertThat(lines.get(0)).contains("opened again in this JVM", "another file",
                        "close the earlier ones and open the path again");
            }
        }
    }

    @Test
    void atMostOneLineAMinutePerFileAndKindSayingHowManyWereLeftOut() throws Exception {
        Path file = directory.resolve("noisy.fmm");
        try (CapturedLog log = new CapturedLog()) {
            long start = 1_000_000_000L;
            EngineWarnings.warn(file, EngineWarnings.Kind.PAGE_REPAIR, () -> "first", start);
            EngineWarnings.warn(file, EngineWarnings.Kind.PAGE_REPAIR, () -> "second", start + 1);
            EngineWarnings.warn(file, EngineWarnings.Kind.PAGE_REPAIR, () -> "third", start + 2);
            EngineWarnings.warn(file, EngineWarnings.Kind.LOCK_TAKEOVER, () -> "other kind", start + 3);
            EngineWarnings.warn(file, EngineWarnings.Kind.PAGE_REPAIR, () -> "later",
                    start + EngineWarnings.INTERVAL_NANOS);
            assertThat(log.awaitWarningsWith(file.toString(), 3)).containsExactly(file + ": first", file + ": other kind",
                    file + ": later (2 more like this since the last such line, left out: at most one a minute)");
        }
    }
}
