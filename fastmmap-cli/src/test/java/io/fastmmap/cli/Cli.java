package io.fastmmap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the packaged `fastmmap` command as a real process, as a user would. */
final class Cli {
    private Cli() {
    }

    record Run(int exitCode, String out, byte[] outBytes, String err) {
    }

    static Run run(String... args) throws IOException, InterruptedException {
        return runWithInput(new byte[0], args);
    }

    static Run runWithInput(byte[] input, String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("fastmmap.cli.jar");
        String java = System.getProperty("fastmmap.cli.java", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("-Dfastmmap.cli.jar must name the packaged fastmmap-cli.jar; run the tests "
                    + "with ./run-tests.sh (mvn verify), which packages it first");
        }
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().write(input);
        process.getOutputStream().close();
        // Drained on their own threads: a full pipe would block the command.
        var out = new CompletableFuture<byte[]>();
        var err = new CompletableFuture<byte[]>();
        drain(process.getInputStream(), out);
        drain(process.getErrorStream(), err);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("fastmmap " + String.join(" ", args) + " did not finish in 120 s");
        }
        byte[] outBytes = out.join();
        return new Run(process.exitValue(), new String(outBytes, StandardCharsets.UTF_8), outBytes,
                new String(err.join(), StandardCharsets.UTF_8));
    }

    private static void drain(InputStream stream, CompletableFuture<byte[]> result) {
        Thread thread = new Thread(() -> {
            try {
                result.complete(stream.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        thread.setDaemon(true);
        thread.start();
    }
}
