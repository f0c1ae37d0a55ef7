/**
 * fastmmap: a shared-memory cache in one memory-mapped file, used by many threads and processes at once.
 * Only {@code io.fastmmap} is API; {@code io.fastmmap.internal} is the engine.
 */
@SuppressWarnings("module") // the Redis tier is not built with the core
module io.fastmmap {
    requires java.management; // only for FastMmap.Builder.jmx(true): a JDK module, no dependency
    exports io.fastmmap;
    // The Redis tier's control file is mapped through the engine's one owner of shared memory (SharedMemory);
    // no other module may use the engine.
    exports io.fastmmap.internal to io.fastmmap.session.redis;
}
