package io.fastmmap.benchmarks.peers;

import java.nio.file.Path;
import java.util.List;

/** The peers by name, as JMH's {@code store} parameter and the drivers' {@code --store} option spell them. */
public final class PeerStores {
    /** Every peer that runs in one JVM, in report order. */
    public static final List<String> NAMES = List.of("fastmmap", "chronicle", "redis", "caffeine", "floor");

    private PeerStores() {
    }

    /** Opens (creates, fills) the named store in {@code dir}. */
    public static PeerStore open(String name, PeerWorkload workload, Path dir) {
        return switch (name) {
            case "fastmmap" -> FastMmapStore.create(workload, dir.resolve("cache.fmm"));
            case "chronicle" -> new ChronicleStore(workload, dir);
            case "redis" -> new RedisStore(workload);
            case "caffeine" -> new CaffeineStore(workload);
            case "floor" -> new FloorStore(workload, dir);
            default -> throw new IllegalArgumentException("unknown store '" + name + "': use one of " + NAMES);
        };
    }
}
