package io.fastmmap.session.redis;

import io.fastmmap.process.ExternalTool;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** A real redis-server on a free loopback port, started and stopped by the test (bounded waits, never left running). */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> admin;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Skips the test where redis-server is not installed (fails it under -Dfastmmap.redis.require=true). */
    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        ExternalTool.REDIS.assumePresent();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServer server = new RedisServer(dir, port);
        server.startProcess();
        return server;
    }

    public int port() {
        return port;
    }

    public RedisURI uri() {
        return RedisURI.create("redis://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** Starts redis-server on this port, empty (no persistence), and waits until it accepts connections. */
    void startProcess() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile",
                dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start on port " + port + " within 10 s; "
                            + "see " + dir.resolve("redis.log") + " (is the redis-server package installed?)");
                }
                Thread.sleep(20);
            }
        }
        closeAdmin();
    }

    /** Commands from a separate, plain client (the test's "operator"). */
    public synchronized RedisCommands<String, String> admin() {
        if (admin == null || !admin.isOpen()) {
            adminClient = RedisClient.create(uri());
            admin = adminClient.connect();
            admin.setTimeout(Duration.ofSeconds(10));
        }
        return admin.sync();
    }

    /** @return how many times Redis ran {@code command} (lower case) since start or CONFIG RESETSTAT */
    long calls(String command) {
        return calls().getOrDefault(command, 0L);
    }

    /**
     * @return every command Redis ran since start or CONFIG RESETSTAT, by name (lower case), with its count; commands
     *     run inside a script count too, as in the benchmark's commands per request
     */
    Map<String, Long> calls() {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : admin().info("commandstats").split("\r?\n")) {
            int count = line.indexOf(":calls=");
            if (line.startsWith("cmdstat_") && count > 0) {
                String rest = line.substring(count + ":calls=".length());
                calls.put(line.substring("cmdstat_".length(), count), Long.parseLong(rest.substring(0, rest.indexOf(','))));
            }
        }
        return calls;
    }

    void signal(String name) throws IOException, InterruptedException {
        signal(process.pid(), name);
    }

    static void signal(long pid, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    /** SIGTERM and wait (bounded) until the process is gone. */
    void stop() throws InterruptedException {
        closeAdmin();
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private synchronized void closeAdmin() {
        if (adminClient != null) {
            adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            adminClient = null;
            admin = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            signal0("CONT");
        }
        stop();
    }

    private void signal0(String name) {
        try {
            if (process.isAlive()) {
                signal(name);
            }
        } catch (IOException | InterruptedException | IllegalStateException ignored) {
            // closing anyway
        }
    }
}
