package io.fastmmap.codecs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link JsonDecodeBenchmark}'s readers compared by CPU time on a machine shared with other work: JMH's wall-clock
 * averages there swing by more than the differences asked about (2026-12-06, load 20-30 on 2 cores: ±100 %), while
 * the CPU time a thread spends in a batch barely depends on how often it is descheduled. Each round runs one batch
 * of every reader, in a rotating order, and each reader's CPU time per decode is taken; the answer is the median
 * over the rounds of each round's ratio to the first reader (the codec's), so a slow stretch lands on every reader of the
 * round alike.
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.codecs.JsonDecodeRatios [rounds [decodes per batch]]
 * </pre>
 * Prints one line per reader: median CPU ns per decode, and the median, 10th and 90th percentile of the ratio of its
 * time to the codec's reader's.
 */
public final class JsonDecodeRatios {
    private JsonDecodeRatios() {
    }

    /** One reader under test. */
    private interface Reader {
        Object read() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        JsonDecodeBenchmark state = new JsonDecodeBenchmark();
        state.setUp();
        String[] names = {"jacksonStreaming", "jacksonJr", "jacksonDatabind"};
        Reader[] readers = {state::jacksonStreaming, state::jacksonJr, state::jacksonDatabind};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Object sink = null;
        for (int warm = 0; warm < 50; warm++) { // past C2 for every reader
            for (Reader reader : readers) {
                for (int i = 0; i < batch; i++) {
                    sink = reader.read();
                }
            }
        }
        double[][] nanosPerDecode = new double[readers.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < readers.length; k++) {
                int r = (k + round) % readers.length;
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) {
                    sink = readers[r].read();
                }
                nanosPerDecode[r][round] = (threads.getCurrentThreadCpuTime() - start) / (double) batch;
            }
        }
        System.out.printf(Locale.ROOT, "JDK %s, %d rounds x %d decodes per reader (%s)%n",
                System.getProperty("java.version"), rounds, batch, sink == null ? "?" : "ok");
        for (int r = 0; r < readers.length; r++) {
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                ratios.add(nanosPerDecode[r][round] / nanosPerDecode[0][round]);
            }
            double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] own = nanosPerDecode[r].clone();
            Arrays.sort(own);
            System.out.printf(Locale.ROOT, "%-17s cpu ns/decode %8.0f  ratio to jacksonStreaming median %.2f (p10 %.2f,"
                    + " p90 %.2f)%n", names[r], own[rounds / 2], sorted[rounds / 2], sorted[rounds / 10],
                    sorted[rounds * 9 / 10]);
        }
    }
}
