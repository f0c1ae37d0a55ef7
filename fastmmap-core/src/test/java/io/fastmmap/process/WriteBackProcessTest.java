package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Codec;
import io.fastmmap.FastMmap;
import io.fastmmap.TypedCache;
import io.fastmmap.process.ChildJvm.Jdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dirty flag lives in the file: entries one process put in write-back mode are written back by another
 * process (on the other JDK) when they leave the cache there, whether by {@code empty} or by eviction.
 */
class WriteBackProcessTest {
    private static final int PAGE_COUNT = 2;
    private static final int PAGE_SIZE = 16384;
    private static final int COUNT = 60;

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    private final Map<String, String> backing = new ConcurrentHashMap<>();

    private Path writtenByChild(String name) {
        Path file = dir.resolve(name);
        ChildJvm child = jvms.start("write-back-child", Jdk.parent().other(), WriteBackChild.class, file.toString(),
                Integer.toString(PAGE_COUNT), Integer.toString(PAGE_SIZE), Integer.toString(COUNT));
        assertThat(child.awaitLine("DONE", Duration.ofSeconds(90))).isEqualTo("DONE " + COUNT);
        assertThat(child.waitFor(Duration.ofSeconds(30))).as("exit code of %s", child.describe()).isZero();
        return file;
    }

    private TypedCache<String, String> parentCache(Path file) {
        return TypedCache.builder(FastMmap.builder(file).pageCount(PAGE_COUNT).pageSize(PAGE_SIZE).build(),
                Codec.utf8(), Codec.utf8()).writeBack((key, value, expiresAt) -> backing.put(key, value)).build();
    }

    @Test
    void anotherProcessWritesBackTheChildsDirtyEntriesOnEmpty() {
        Path file = writtenByChild("empty.fmm");
        try (TypedCache<String, String> cache = parentCache(file)) {
            assertThat(cache.keys()).hasSize(COUNT);
            assertThat(backing).isEmpty();
            cache.evictAll();
        }
        for (int i = 0; i < COUNT; i++) {
            assertThat(backing).containsEntry(WriteBackChild.key(i), WriteBackChild.value(i));
        }
    }

    @Test
    void anotherProcessWritesBackTheChildsDirtyEntriesItEvicts() {
        Path file = writtenByChild("evict.fmm");
        try (TypedCache<String, String> cache = parentCache(file)) {
            for (int i = 0; i < 400; i++) {
                cache.put("parent-" + i, "x".repeat(100));
            }
            assertThat(cache.raw().stats().evictionCount()).isPositive();
            int writtenBack = 0;
            for (int i = 0; i < COUNT; i++) {
                String key = WriteBackChild.key(i);
                String cached = cache.get(key);
                writtenBack += cached == null ? 1 : 0;
                assertThat(cached != null ? cached : backing.get(key)).as(key).isEqualTo(WriteBackChild.value(i));
            }
            assertThat(writtenBack).as("child entries evicted and written back by this process").isPositive();
        }
    }
}
