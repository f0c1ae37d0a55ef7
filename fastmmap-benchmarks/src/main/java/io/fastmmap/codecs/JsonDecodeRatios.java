package io.fastmmap.codecs;

import io.fastmmap.benchmarks.CpuTimeRatios;
import java.util.concurrent.Callable;

/**
 * {@link JsonDecodeBenchmark}'s readers compared by CPU time ({@link CpuTimeRatios}), each as a ratio to the first
 * reader (the codec's).
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.codecs.JsonDecodeRatios [rounds [decodes per batch]]
 * </pre>
 */
public final class JsonDecodeRatios {
    private JsonDecodeRatios() {
    }

    public static void main(String[] args) throws Exception {
        JsonDecodeBenchmark state = new JsonDecodeBenchmark();
        state.setUp();
        CpuTimeRatios.print(args.length > 0 ? Integer.parseInt(args[0]) : 200,
                args.length > 1 ? Integer.parseInt(args[1]) : 2000,
                new String[] {"jacksonStreaming", "jacksonJr", "jacksonDatabind"},
                new Callable<?>[] {state::jacksonStreaming, state::jacksonJr, state::jacksonDatabind});
    }
}
