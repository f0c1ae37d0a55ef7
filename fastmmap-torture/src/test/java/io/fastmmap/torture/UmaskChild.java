package io.fastmmap.torture;

import io.fastmmap.FastMmap;
import java.nio.file.Path;

/** Creates a cache (and its missing parent directories) at {@code args[0]}; run under a chosen umask. */
public final class UmaskChild {
    private UmaskChild() {
    }

    public static void main(String[] args) {
        FastMmap.builder(Path.of(args[0])).pageCount(1).pageSize(4096).build().close();
    }
}
