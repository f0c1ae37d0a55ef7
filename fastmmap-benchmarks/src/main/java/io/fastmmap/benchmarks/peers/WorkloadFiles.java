package io.fastmmap.benchmarks.peers;

import io.fastmmap.benchmarks.Workload;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A {@link PeerWorkload} written to a directory, so that a program in another language (the Perl driver of
 * Cache::FastMmap) runs exactly the same keys, values and operations as the Java side:
 *
 * <ul>
 *   <li>{@code workload.properties}: the parameters, the cache geometry (page size and count) and the stream length;</li>
 *   <li>{@code keys.txt}: one key per line (printable ASCII);</li>
 *   <li>{@code value.bin}: the raw value;</li>
 *   <li>{@code session.json}: the ~1 KiB session map ({@link SessionMap}) as JSON, which each side stores with its
 *       own codec;</li>
 *   <li>{@code ops-N.bin}: stream N (one per process), little-endian 32-bit operations: bit 31 set for a set, the
 *       rest the key's line number in keys.txt, from 0.</li>
 * </ul>
 */
final class WorkloadFiles {
    static final int STREAM_LENGTH = 1 << 20;

    private WorkloadFiles() {
    }

    static void write(Path dir, PeerWorkload workload, int streams) throws IOException {
        Files.createDirectories(dir);
        byte[][] keys = workload.keys();
        try (Writer out = Files.newBufferedWriter(dir.resolve("keys.txt"), StandardCharsets.US_ASCII)) {
            for (byte[] key : keys) {
                out.write(new String(key, StandardCharsets.US_ASCII));
                out.write('\n');
            }
        }
        Files.write(dir.resolve("value.bin"), workload.value());
        byte[] session = SessionMap.toJson(SessionMap.create());
        Files.write(dir.resolve("session.json"), session);
        for (int stream = 0; stream < streams; stream++) {
            int[] ops = workload.operations(STREAM_LENGTH, stream);
            ByteBuffer bytes = ByteBuffer.allocate(ops.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asIntBuffer().put(ops);
            Files.write(dir.resolve("ops-" + stream + ".bin"), bytes.array());
        }
        Properties properties = new Properties();
        properties.setProperty("keyCount", Integer.toString(workload.keyCount()));
        properties.setProperty("valueSize", Integer.toString(workload.valueSize()));
        properties.setProperty("mix", workload.mix().name().toLowerCase(java.util.Locale.ROOT));
        properties.setProperty("keys", workload.distribution().name().toLowerCase(java.util.Locale.ROOT));
        properties.setProperty("sizing", workload.sizing().name().toLowerCase(java.util.Locale.ROOT));
        properties.setProperty("streams", Integer.toString(streams));
        properties.setProperty("streamLength", Integer.toString(STREAM_LENGTH));
        properties.setProperty("sessionBytes", Integer.toString(session.length));
        for (Mode mode : Mode.values()) {
            PeerWorkload sized = mode.sized(workload, session.length);
            properties.setProperty(mode.name + ".pageSize", Integer.toString(Workload.pageSize(sized.valueSize())));
            properties.setProperty(mode.name + ".pageCount", Integer.toString(FastMmapStore.pageCount(sized)));
        }
        try (Writer out = Files.newBufferedWriter(dir.resolve("workload.properties"))) {
            properties.store(out, "fastmmap peers workload: see WorkloadFiles.java");
        }
    }

    static PeerWorkload read(Path dir) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("workload.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no workload in " + dir + ": run MultiProcessDriver prepare first", e);
        }
        return PeerWorkload.of(Integer.parseInt(properties.getProperty("keyCount")),
                Integer.parseInt(properties.getProperty("valueSize")), properties.getProperty("mix"),
                properties.getProperty("keys"), properties.getProperty("sizing"));
    }

    /** Raw values, or the session map (whose JSON length replaces the value size, for both sides' geometry). */
    enum Mode {
        RAW("raw"), SESSION("session");

        final String name;

        Mode(String name) {
            this.name = name;
        }

        PeerWorkload sized(PeerWorkload workload, int sessionBytes) {
            return this == RAW ? workload : new PeerWorkload(workload.keyCount(), sessionBytes, workload.mix(),
                    workload.distribution(), workload.sizing());
        }

        static Mode of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
