package io.fastmmap.benchmarks.session;

import io.fastmmap.benchmarks.Workload;
import io.fastmmap.session.SessionStore;
import io.fastmmap.session.SessionStoreConfig;
import io.fastmmap.spring.session.FastMmapSessionRepository;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * The session work of one request of the spring demo's {@code GET /api/visits}, without HTTP: find the session by id,
 * touch it (as Spring's {@code SessionRepositoryFilter} does), increment its {@code visits} counter, save it. The
 * sessions are used round-robin (200 by default, as many as run-session-http-benchmark.sh's wrk keeps), so each one's
 * entry is cold-ish in the CPU caches by the time it comes round again, as in the app.
 *
 * <p>fastmmap's repository ({@link FastMmapSessionRepository} on a file in {@code -Dfastmmap.bench.dir}, default
 * java.io.tmpdir) against Spring Session's in-memory {@link MapSessionRepository} in the same run. {@code contents}:
 * {@code visits} is the demo's session (one Integer); {@code mixed} adds a user name, a cart list and a preferences
 * map, which the request leaves alone. Run with {@code -prof gc} for the bytes allocated per cycle:
 *
 * <pre>
 *   java -jar fastmmap-benchmarks/target/benchmarks.jar SessionRepositoryBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
// AlwaysPreTouch: first touches of the heap would otherwise show up as page faults in the first iterations
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class SessionRepositoryBenchmark {
    @Param({"200"})
    int sessionCount;

    @Param({"visits", "mixed"})
    String contents;

    private Path dir;
    private SessionStore store;
    private FastMmapSessionRepository fastmmap;
    private MapSessionRepository map;
    private String[] fastmmapIds;
    private String[] mapIds;

    /**
     * Which session the next cycle uses (one cursor per benchmark thread), and the thread's CPU time: on a machine
     * shared with other work the wall-clock score counts the time the thread waited for a core, while
     * {@code cpuNanos / cycles} counts only the time it ran (JMH reports both counters summed over the measurement
     * iterations).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cursor {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long cycles;
        public long cpuNanos;
        private int next;
        private long startCpuNanos;

        int advance(int count) {
            cycles++;
            int i = next;
            next = i + 1 == count ? 0 : i + 1;
            return i;
        }

        @Setup(Level.Iteration)
        public void start() {
            cycles = 0;
            cpuNanos = 0;
            startCpuNanos = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuNanos = THREADS.getCurrentThreadCpuTime() - startCpuNanos;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        dir = Workload.tempDir();
        store = SessionStore.open(SessionStoreConfig.builder("bench").file(dir.resolve("sessions.fmm"))
                .cache(file -> file.cacheSize(64L << 20)).build());
        fastmmap = new FastMmapSessionRepository(store);
        map = new MapSessionRepository(new ConcurrentHashMap<>());
        fastmmapIds = createSessions(fastmmap);
        mapIds = createSessions(map);
    }

    private <S extends Session> String[] createSessions(SessionRepository<S> repository) {
        String[] ids = new String[sessionCount];
        for (int i = 0; i < sessionCount; i++) {
            S session = repository.createSession();
            session.setAttribute("visits", 0);
            if (contents.equals("mixed")) {
                session.setAttribute("user", "user-" + i + "@example.com");
                session.setAttribute("cart", new ArrayList<>(List.of("book-" + i, "pen", "lamp")));
                // a LinkedHashMap, which JSON gives back as it was (a Map.of would go to Java serialization)
                Map<String, Object> prefs = new LinkedHashMap<>();
                prefs.put("theme", "dark");
                prefs.put("lang", "en");
                prefs.put("pageSize", 25);
                session.setAttribute("prefs", prefs);
            }
            repository.save(session);
            ids[i] = session.getId();
        }
        return ids;
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        for (String id : params.getBenchmark().endsWith(".fastmmap") ? fastmmapIds : new String[0]) {
            Integer visits = fastmmap.findById(id).getAttribute("visits");
            if (visits == null || visits <= 0) {
                throw new IllegalStateException("session " + id + " was never incremented: the benchmark is broken");
            }
        }
        store.close();
        Workload.deleteTree(dir);
    }

    @Benchmark
    public Object fastmmap(Cursor cursor) {
        return visit(fastmmap, fastmmapIds[cursor.advance(sessionCount)]);
    }

    @Benchmark
    public Object map(Cursor cursor) {
        return visit(map, mapIds[cursor.advance(sessionCount)]);
    }

    /** What SessionRepositoryFilter and the demo's controller do with the session in one request. */
    private static <S extends Session> S visit(SessionRepository<S> repository, String id) {
        S session = repository.findById(id);
        session.setLastAccessedTime(Instant.now());
        Integer visits = session.getAttribute("visits");
        session.setAttribute("visits", visits + 1);
        repository.save(session);
        return session;
    }
}
