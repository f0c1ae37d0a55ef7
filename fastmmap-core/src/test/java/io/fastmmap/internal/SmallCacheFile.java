package io.fastmmap.internal;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A small cache file of a fixed geometry and known contents, for tests that fill it, damage the closed file
 * through {@link RawFile} and open it again to see what the engine makes of the damage.
 */
final class SmallCacheFile {
    final Path file;
    final Geometry geometry;

    SmallCacheFile(Path file, Geometry geometry) {
        this.file = file;
        this.geometry = geometry;
    }

    /** @return the cache, opened (created when absent) with this geometry */
    FastMmap open() {
        return FastMmap.builder(file).pageCount(geometry.pageCount()).pageSize(geometry.pageSizeBytes()).build();
    }

    /**
     * Sets keys {@code k0} to {@code k<count - 1>} to {@code Bytes.filled(valueByteCount, i)}, runs {@code more} on
     * the same open cache, and closes it.
     */
    void fill(int count, int valueByteCount, Consumer<FastMmap> more) {
        try (FastMmap cache = open()) {
            for (int i = 0; i < count; i++) {
                cache.set(Bytes.utf8("k" + i), Bytes.filled(valueByteCount, i));
            }
            more.accept(cache);
        }
    }

    /** @return the file's bytes; open it only while no cache in this JVM has the file open (see RawFile) */
    RawFile raw() throws IOException {
        return new RawFile(file, geometry);
    }
}
