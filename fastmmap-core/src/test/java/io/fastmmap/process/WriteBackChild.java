package io.fastmmap.process;

import io.fastmmap.Codec;
import io.fastmmap.FastMmap;
import io.fastmmap.TypedCache;
import java.nio.file.Path;

/**
 * A process of {@link WriteBackProcessTest}: puts entries into a write-back {@link TypedCache} and exits without
 * writing any back, leaving them dirty in the file for another process to write.
 *
 * <p>Arguments: {@code file pageCount pageSize count}. Prints {@code DONE count}. Its write-back callback fails
 * the child: nothing may leave the cache while it runs.
 */
public final class WriteBackChild {
    private WriteBackChild() {
    }

    static String key(int index) {
        return "child-key-" + index;
    }

    static String value(int index) {
        return "child-value-" + index + "-".repeat(index % 50);
    }

    public static void main(String[] args) {
        ChildSupport.main(args, WriteBackChild::run);
    }

    private static void run(String[] args) {
        int count = Integer.parseInt(args[3]);
        FastMmap file = FastMmap.builder(Path.of(args[0])).pageCount(Integer.parseInt(args[1]))
                .pageSize(Integer.parseInt(args[2])).build();
        try (TypedCache<String, String> cache = TypedCache.builder(file, Codec.utf8(), Codec.utf8())
                .writeBack((key, value, expiresAt) -> {
                    throw new IllegalStateException("the child wrote back " + key + ": its cache was too small");
                }).build()) {
            for (int i = 0; i < count; i++) {
                cache.put(key(i), value(i));
            }
        }
        ChildSupport.println("DONE " + count);
    }
}
