package io.fastmmap.internal;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.nio.file.Path;

/**
 * Runs one mutation in a child JVM; with {@code -Dfastmmap.test.haltAfterStores=N} the JVM halts right after the
 * N-th store of it. Exit code 0 means the mutation finished before store N.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String scenario = args[1];
        if (scenario.startsWith("createAndSet:")) {
            String id = scenario.substring("createAndSet:".length());
            try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
                cache.set(Bytes.utf8("child-" + id), Bytes.utf8(id));
            }
            return;
        }
        if (scenario.equals("create")) {
            CrashPoints.arm();
            FastMmap.builder(file).pageCount(2).pageSize(4096).build().close();
            return;
        }
        try (FastMmap cache = FastMmap.builder(file).pageCount(1).pageSize(4096).build()) {
            CrashPoints.arm();
            switch (scenario) {
                case "insert" -> cache.set(Bytes.utf8("new"), Bytes.filled(60, 99));
                case "replace" -> cache.set(Bytes.utf8("k3"), Bytes.filled(70, 33));
                case "remove" -> cache.remove(Bytes.utf8("k4"));
                case "getAndSet" -> cache.getAndSet(Bytes.utf8("k5"), old -> Bytes.filled(60, 55));
                case "compactEvicting" -> cache.set(Bytes.utf8("big"), Bytes.filled(3000, 77));
                case "compactGrowingSlots" -> cache.set(Bytes.utf8("s38"), Bytes.filled(8, 38));
                case "clear" -> cache.clear();
                default -> throw new IllegalArgumentException(scenario);
            }
        }
    }
}
