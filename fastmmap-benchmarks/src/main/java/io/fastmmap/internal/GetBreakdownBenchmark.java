package io.fastmmap.internal;

import io.fastmmap.FastMmap;
import io.fastmmap.benchmarks.MappedRegion;
import io.fastmmap.benchmarks.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of one {@code get} goes: the same warm cache as {@code CacheBenchmark}, and each part of a get
 * on its own, through the engine's own (package-private) code. Each variant uses the next key, as get does, and
 * where a part needs the result of an earlier one (page, record offset) that is looked up once in set-up.
 *
 * <pre>
 *   get            FastMmap.get: everything
 *   floor          hash + new byte[n] + copy out of a plain mapping (as CacheBenchmark.floor)
 *   hash           XXH64 of the key and the page it picks
 *   clock          Clock.systemUTC().millis() (get reads it only for entries that can expire)
 *   lockUnlock     CAS of the page's lock word and its release store (PageLocks)
 *   lookup         hash + lock + page header checks + probe + key compare + expiry + unlock: get without the value
 *   alloc          new byte[n] alone
 *   copy           new byte[n] + copy out of the cache file through SharedMemory
 *   crc            the record checksum (CRC-32C of key and value, mixed with the header) of a heap copy
 *   copyCrc        copy + crc
 *   readValue      PageStore.readValue: copy + crc + compare + touch (no lock)
 *   touch          the LRU stamp a get writes: two stores to shared memory
 * </pre>
 *
 * <p>This class uses the engine's package-private internals, which change often, so
 * the normal build does not compile them (a refactoring of the engine must not break ./run-tests.sh); only
 * {@code -Pbenchmarks} does, and that is when they are brought up to date.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class GetBreakdownBenchmark {
    private static final long LOCK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A clock for the expiry check that never expires anything (the values here have no time to live). */
    private static final LongSupplier NEVER = PageStore.stoppedAt(Long.MIN_VALUE);

    @Param({"1024"})
    public int valueSize;

    /** 10000 as in CacheBenchmark; 100 keeps every line a get touches in the CPU caches (the compute-only cost). */
    @Param({"10000"})
    public int keyCount;

    private byte[][] keys;
    private int[] pages;
    private long[] bases;
    private int[] offsets;
    private long[] valueAddresses;
    private byte[][] heapValues;
    private int next;
    private Path dir;
    private FastMmap cache;
    private Attachment attachment;
    private PageStore store;
    private Placement placement;
    private PageLocks locks;
    private SharedMemory memory;
    private MappedRegion region;
    private final Clock clock = Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        keys = Workload.keys(keyCount, 7);
        dir = Workload.tempDir();
        cache = Workload.openFilled(dir, keys, valueSize);
        // The cache's own connection to the file (Attachment.open joins the one this JVM has open).
        Geometry geometry = new Geometry(Workload.pageSize(valueSize), Workload.pageCount(valueSize, keyCount));
        attachment = Attachment.open(new CacheConfig(cache.file(), geometry, 0, false, false, clock,
                LOCK_TIMEOUT_NANOS, EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE)));
        store = attachment.store;
        placement = store.placement();
        locks = attachment.locks;
        memory = store.memory();
        int n = keys.length;
        pages = new int[n];
        bases = new long[n];
        offsets = new int[n];
        valueAddresses = new long[n];
        heapValues = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] key = keys[i];
            long hash = placement.hash(key);
            int page = placement.pageOf(hash);
            long base = store.pageBase(page);
            int slot = store.find(page, base, key, (int) hash);
            if (slot < 0) {
                throw new IllegalStateException("key " + i + " not found");
            }
            pages[i] = page;
            bases[i] = base;
            offsets[i] = store.recordOffset(base, slot);
            valueAddresses[i] = base + offsets[i] + PageFormat.RECORD_HEADER_BYTES + key.length;
            heapValues[i] = cache.get(key);
        }
        region = MappedRegion.create(dir.resolve("floor.bin"), (long) keyCount * valueSize);
        for (int i = 0; i < keyCount; i++) {
            region.write((long) i * valueSize, heapValues[0]);
        }
        System.err.println("# fastmmap-core memory: " + Workload.memoryBackend() + "; floor: " + MappedRegion.kind());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        attachment.release(false);
        cache.close();
        region.close();
        Workload.deleteTree(dir);
    }

    private int nextIndex() {
        int i = next;
        next = i + 1 == keys.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public byte[] get() {
        return cache.get(keys[nextIndex()]);
    }

    @Benchmark
    public byte[] floor() {
        long hash = XxHash64.hash(keys[nextIndex()], 0x5EEDL);
        int index = (int) (((hash >>> 32) * keyCount) >>> 32);
        return region.read((long) index * valueSize, valueSize);
    }

    @Benchmark
    public long hash() {
        long hash = placement.hash(keys[nextIndex()]);
        return hash + placement.pageOf(hash);
    }

    @Benchmark
    public long clock() {
        return clock.millis();
    }

    @Benchmark
    public void lockUnlock() {
        int page = pages[nextIndex()];
        locks.lock(page, LOCK_TIMEOUT_NANOS);
        locks.unlock(page);
    }

    @Benchmark
    public int lookup() {
        byte[] key = keys[nextIndex()];
        long hash = placement.hash(key);
        int page = placement.pageOf(hash);
        locks.lock(page, LOCK_TIMEOUT_NANOS);
        try {
            long base = store.pageBase(page);
            int slot = store.find(page, base, key, (int) hash);
            int offset = store.recordOffset(base, slot);
            return store.isExpired(base, offset, NEVER) ? -1 : offset;
        } finally {
            locks.unlock(page);
        }
    }

    @Benchmark
    public byte[] alloc() {
        nextIndex();
        return new byte[valueSize];
    }

    @Benchmark
    public byte[] copy() {
        byte[] value = new byte[valueSize];
        memory.copyToArray(valueAddresses[nextIndex()], value, 0, valueSize);
        return value;
    }

    @Benchmark
    public int crc() {
        int i = nextIndex();
        return PageStore.checksum(keys[i], heapValues[i], 0, 0);
    }

    @Benchmark
    public int copyCrc() {
        int i = nextIndex();
        byte[] value = new byte[valueSize];
        memory.copyToArray(valueAddresses[i], value, 0, valueSize);
        return PageStore.checksum(keys[i], value, 0, 0);
    }

    @Benchmark
    public byte[] readValue() {
        int i = nextIndex();
        return store.readValue(pages[i], bases[i], offsets[i], keys[i]);
    }

    @Benchmark
    public void touch() {
        int i = nextIndex();
        store.touch(pages[i], bases[i], offsets[i]);
    }
}
