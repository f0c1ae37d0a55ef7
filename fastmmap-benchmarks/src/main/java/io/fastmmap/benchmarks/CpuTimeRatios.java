package io.fastmmap.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Operations compared by thread CPU time, for a machine shared with other work: JMH's wall-clock averages there
 * swing by more than the differences asked about (2026-12-06, load 20-30 on 2 cores: ±100 %), while the CPU time a
 * thread spends in a batch barely depends on how often it is descheduled. After 50 warm-up batches of every
 * operation (past C2), each round runs one batch of every operation in a rotating order; the answer per operation is
 * the median over the rounds of its time ÷ the first operation's in the same round, so a slow stretch lands on
 * every operation of the round alike.
 */
public final class CpuTimeRatios {
    private CpuTimeRatios() {
    }

    /**
     * Prints a header and one line per operation: median CPU ns per call, and the median, 10th and 90th percentile
     * of its ratio to the first operation.
     *
     * @param names one per operation; the first is the one the others are divided by
     * @param operations the calls; a result is kept so the JIT cannot drop the work
     */
    public static void print(int rounds, int batch, String[] names, Callable<?>[] operations) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Object sink = null;
        for (int warm = 0; warm < 50; warm++) {
            for (Callable<?> operation : operations) {
                for (int i = 0; i < batch; i++) {
                    sink = operation.call();
                }
            }
        }
        double[][] nanosPerCall = new double[operations.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < operations.length; k++) {
                int r = (k + round) % operations.length;
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) {
                    sink = operations[r].call();
                }
                nanosPerCall[r][round] = (threads.getCurrentThreadCpuTime() - start) / (double) batch;
            }
        }
        System.out.printf(Locale.ROOT, "JDK %s, %d rounds x %d calls per operation (%s)%n",
                System.getProperty("java.version"), rounds, batch, sink == null ? "?" : "ok");
        for (int r = 0; r < operations.length; r++) {
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = nanosPerCall[r][round] / nanosPerCall[0][round];
            }
            Arrays.sort(ratios);
            double[] own = nanosPerCall[r].clone();
            Arrays.sort(own);
            System.out.printf(Locale.ROOT, "%-17s cpu ns/call %8.0f  ratio to %s median %.2f (p10 %.2f, p90 %.2f)%n",
                    names[r], own[rounds / 2], names[0], ratios[rounds / 2], ratios[rounds / 10],
                    ratios[rounds * 9 / 10]);
        }
    }
}
