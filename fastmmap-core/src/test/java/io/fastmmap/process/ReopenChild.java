package io.fastmmap.process;

import io.fastmmap.FastMmap;
import io.fastmmap.FastMmapException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens a cache on command with a geometry and the options that replace a file of another geometry, for
 * {@link GeometryChangeTest}: several children get {@code GO} at the same moment.
 *
 * <p>Arguments: {@code file pageCount pageSize mode scratchDir}, mode {@code migrate} (migrateEntries),
 * {@code recreate} or {@code plain}. Prints {@code READY} once warmed up; on {@code GO} opens the cache and prints
 * {@code OPENED} or {@code REFUSED <exception>}; then takes {@link ProbeChild}'s {@code GET}, {@code SET} and
 * {@code GAS} commands until {@code EXIT}.
 */
public final class ReopenChild {
    private ReopenChild() {
    }

    public static void main(String[] args) {
        ChildSupport.main(args, ReopenChild::run);
    }

    private static void run(String[] args) throws InterruptedException {
        FastMmap.Builder builder = FastMmap.builder(Path.of(args[0])).pageCount(Integer.parseInt(args[1]))
                .pageSize(Integer.parseInt(args[2])).lockTimeout(Duration.ofSeconds(30));
        switch (args[3]) {
            case "migrate" -> builder.migrateEntries(true);
            case "recreate" -> builder.recreate(true);
            case "plain" -> {
            }
            default -> throw new IllegalArgumentException("mode " + args[3]);
        }
        ChildSupport.warmUp(Path.of(args[4]));
        ChildSupport.println("READY");
        ChildSupport.awaitCommand("GO");
        FastMmap cache;
        try {
            cache = builder.build();
        } catch (FastMmapException refused) {
            ChildSupport.println("REFUSED " + ChildSupport.oneLine(refused.toString()));
            ChildSupport.awaitCommand("EXIT");
            return;
        }
        try (cache) {
            ChildSupport.println("OPENED");
            while (true) {
                String[] command = ChildSupport.nextCommand().split(" ");
                if (command[0].equals("EXIT")) {
                    return;
                }
                ProbeChild.execute(cache, command);
            }
        }
    }
}
