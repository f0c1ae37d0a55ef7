package io.fastmmap.servlet.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per second of one app with sessions in fastmmap against the same app with the container's default
 * in-memory sessions, measured in alternating rounds on the same machine, reported as a ratio (the goal is at least
 * 0.9). Each client thread is one visitor with its own session; every request increments a session attribute.
 * A driver for a quiet machine, not a test. Beside requests per second it reports the servers' CPU time per request
 * (the CPU time of every thread of this JVM but the client's, over the round): on a shared machine, where other
 * processes take the cores at random, that ratio stays meaningful when requests per second do not.
 */
public final class Throughput {
    private Throughput() {
    }

    /** Starts one app: on fastmmap in {@code file}, or on the container's in-memory sessions when it is null. */
    public interface Starter {
        SharedSessionScenarios.Node start(Path file, String name) throws Exception;
    }

    /**
     * A driver's main: {@code [threads] [roundSeconds] [rounds]} (default 8, 10, 5).
     *
     * @param container the container's name, for the report
     * @param args the command line
     * @param starter starts the app
     */
    public static void drive(String container, String[] args, Starter starter) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        Duration round = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Files.createTempDirectory("throughput");
        try (SharedSessionScenarios.Node fastmmap = starter.start(dir.resolve("sessions.fmm"), "fast");
                SharedSessionScenarios.Node inMemory = starter.start(null, "heap")) {
            System.out.println(container + ", " + threads + " visitors, " + rounds + " rounds of " + round
                    + " each, JDK " + Runtime.version().feature());
            compare(fastmmap.url(""), inMemory.url(""), threads, round, rounds);
        }
    }

    /**
     * @param fastmmapBase the session servlet of the app on fastmmap, up to and including {@code ?}
     * @param inMemoryBase the same app on in-memory sessions
     * @param threads client threads (visitors)
     * @param round how long each round measures one app
     * @param rounds rounds per app, alternating
     * @return fastmmap's median requests per second divided by in-memory's
     */
    public static double compare(String fastmmapBase, String inMemoryBase, int threads, Duration round, int rounds)
            throws Exception {
        for (int i = 0; i < 2; i++) { // warm-up (the JIT compiles both paths), not counted
            measure(fastmmapBase, threads, round);
            measure(inMemoryBase, threads, round);
        }
        double[] fast = new double[rounds];
        double[] memory = new double[rounds];
        double[] fastCpu = new double[rounds];
        double[] memoryCpu = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            Round f = measure(fastmmapBase, threads, round);
            Round m = measure(inMemoryBase, threads, round);
            fast[i] = f.perSecond;
            memory[i] = m.perSecond;
            fastCpu[i] = f.serverCpuMicrosPerRequest;
            memoryCpu[i] = m.serverCpuMicrosPerRequest;
            System.out.printf("round %d: fastmmap %.0f req/s %.1f us CPU/req, in-memory %.0f req/s %.1f us CPU/req%n",
                    i + 1, f.perSecond, f.serverCpuMicrosPerRequest, m.perSecond, m.serverCpuMicrosPerRequest);
        }
        double ratio = median(fast) / median(memory);
        System.out.printf("median: fastmmap %.0f req/s, in-memory %.0f req/s, ratio %.3f (goal >= 0.9)%n",
                median(fast), median(memory), ratio);
        System.out.printf("median server CPU per request: fastmmap %.1f us, in-memory %.1f us, in-memory/fastmmap"
                + " %.3f (the throughput ratio a CPU-bound server would reach)%n", median(fastCpu),
                median(memoryCpu), median(memoryCpu) / median(fastCpu));
        return ratio;
    }

    private record Round(double perSecond, double serverCpuMicrosPerRequest) {
    }

    private static Round measure(String base, int threads, Duration round) throws Exception {
        long cpuBefore = serverCpuNanos();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong done = new AtomicLong();
        long endNanos = System.nanoTime() + round.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                String cookie = null;
                while (System.nanoTime() < endNanos) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "op=incr&name=n"));
                    if (cookie != null) {
                        request.header("Cookie", "JSESSIONID=" + cookie);
                    }
                    try {
                        HttpResponse<String> response = client.send(request.build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + response.statusCode() + " from " + base);
                        }
                        String set = Browser.newCookie(response).orElse(null);
                        cookie = set != null ? set : cookie;
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "client-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long cpuNanos = serverCpuNanos() - cpuBefore;
        return new Round(done.get() / (round.toNanos() / 1e9), cpuNanos / 1e3 / Math.max(1, done.get()));
    }

    /** CPU time of this JVM's threads but the client's own ("client-N", the HttpClient's "HttpClient-..."). */
    private static long serverCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || info.getThreadName().startsWith("client-")
                    || info.getThreadName().startsWith("HttpClient-")) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            sum += Math.max(0, nanos);
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
