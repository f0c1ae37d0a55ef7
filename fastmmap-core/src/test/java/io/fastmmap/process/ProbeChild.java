package io.fastmmap.process;

import io.fastmmap.FastMmap;
import io.fastmmap.LockTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second process that uses a cache on command, for {@link DeadLockHolderTest}. It first runs the engine once on a
 * scratch file ({@link ChildSupport#warmUp}) so that its timed calls do not include class loading, then opens the
 * cache and prints {@code READY ...}.
 *
 * <p>Arguments: {@code file pageCount pageSize lockTimeoutMillis scratchDir}. Commands on stdin, one a line (keys and
 * values are text without spaces; {@code NULL} is null):
 * <ul>
 *   <li>{@code GET k} prints {@code GOT k <value> <micros>};</li>
 *   <li>{@code SET k v} prints {@code SET-OK k <micros>};</li>
 *   <li>{@code GAS k v} (getAndSet to v) prints {@code GAS-OK k <old value> <micros>};</li>
 *   <li>any of them prints {@code TIMEOUT k <micros>} on {@link LockTimeoutException} and
 *       {@code EXC k <micros> <exception>} on another exception;</li>
 *   <li>{@code STATS} prints {@link VerifierChild#statsLine}; {@code EXIT} closes the cache and exits.</li>
 * </ul>
 */
public final class ProbeChild {
    private ProbeChild() {
    }

    static String text(byte[] value) {
        return value == null ? "NULL" : new String(value, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.equals("NULL") ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        ChildSupport.main(args, ProbeChild::run);
    }

    private static void run(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        int pageCount = Integer.parseInt(args[1]);
        int pageSize = Integer.parseInt(args[2]);
        Duration lockTimeout = Duration.ofMillis(Long.parseLong(args[3]));
        ChildSupport.warmUp(Path.of(args[4]));
        try (FastMmap cache = ChildSupport.open(file, pageCount, pageSize, lockTimeout)) {
            ChildSupport.println("READY " + ChildSupport.identity(cache));
            while (true) {
                String[] command = ChildSupport.nextCommand().split(" ");
                switch (command[0]) {
                    case "EXIT" -> {
                        return;
                    }
                    case "STATS" -> ChildSupport.println(VerifierChild.statsLine(cache.stats()));
                    case "GET", "SET", "GAS" -> execute(cache, command);
                    default -> ChildSupport.println("EXC ? 0 unknown command " + String.join(" ", command));
                }
            }
        }
    }

    static void execute(FastMmap cache, String[] command) {
        String key = command[1];
        long start = System.nanoTime();
        try {
            String result = switch (command[0]) {
                case "GET" -> "GOT " + key + " " + text(cache.get(bytes(key)));
                case "SET" -> {
                    cache.set(bytes(key), bytes(command[2]));
                    yield "SET-OK " + key;
                }
                default -> {
                    String[] old = new String[1];
                    cache.getAndSet(bytes(key), value -> {
                        old[0] = text(value);
                        return bytes(command[2]);
                    });
                    yield "GAS-OK " + key + " " + old[0];
                }
            };
            ChildSupport.println(result + " " + (System.nanoTime() - start) / 1000);
        } catch (LockTimeoutException e) {
            ChildSupport.println("TIMEOUT " + key + " " + (System.nanoTime() - start) / 1000);
        } catch (RuntimeException e) {
            ChildSupport.println("EXC " + key + " " + (System.nanoTime() - start) / 1000 + " "
                    + ChildSupport.oneLine(e.toString()));
        }
    }
}
