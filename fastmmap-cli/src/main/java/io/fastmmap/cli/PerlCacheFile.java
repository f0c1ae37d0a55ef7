package io.fastmmap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Recognises a file of Perl's Cache::FastMmap, so that refusing one can say what it is. Such a file has no file
 * header: it starts with its first page, whose header starts with the page magic 0x92F7E3B1 in the host's byte
 * order (P_Magic in Cache::FastMmap 1.57's mmap_cache_internals.h; little-endian on the hosts fastmmap runs on).
 */
final class PerlCacheFile {
    private static final byte[] PAGE_MAGIC_LE = {(byte) 0xB1, (byte) 0xE3, (byte) 0xF7, (byte) 0x92};

    private PerlCacheFile() {
    }

    static boolean is(Path file) {
        if (file == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] start = in.readNBytes(PAGE_MAGIC_LE.length);
            return Arrays.equals(start, PAGE_MAGIC_LE);
        } catch (IOException | SecurityException unreadable) {
            return false;
        }
    }

    static String describe(Path file) {
        return file + " is a Cache::FastMmap (Perl) cache file, not a fastmmap one; fastmmap cannot open it yet. It "
                + "was left untouched: use Perl to read it, or `fastmmap create " + file + " --force` to replace it "
                + "with an empty fastmmap file";
    }
}
