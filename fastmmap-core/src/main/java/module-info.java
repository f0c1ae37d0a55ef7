/**
 * fastmmap: a shared-memory cache in one memory-mapped file, used by many threads and processes at once.
 * Only {@code io.fastmmap} is API; {@code io.fastmmap.internal} is the engine.
 */
module io.fastmmap {
    requires java.management; // only for FastMmap.Builder.jmx(true): a JDK module, no dependency
    exports io.fastmmap;
}
