package io.fastmmap.process;

import io.fastmmap.process.ChildJvm.Jdk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The child JVMs of one test: a JUnit extension that kills every child still running after the test and fails the
 * test when any child left a JVM crash log ({@code hs_err_<pid>.log}).
 *
 * <pre>
 * &#64;RegisterExtension final ChildJvms jvms = new ChildJvms();
 * ...
 * ChildJvm writer = jvms.start("writer-0", Jdk.JDK25, WriterChild.class, args);
 * </pre>
 *
 * It is also {@link AutoCloseable} for use outside JUnit.
 */
public final class ChildJvms implements AfterEachCallback, AutoCloseable {
    private final List<ChildJvm> children = new ArrayList<>();
    private Path errorDir;
    private boolean announced;

    /** Starts a child JVM; see {@link ChildJvm#start}. */
    public synchronized ChildJvm start(String name, Jdk jdk, Class<?> mainClass, String... args) {
        return start(name, jdk, mainClass, Arrays.asList(args));
    }

    /** Starts a child JVM; see {@link ChildJvm#start}. */
    public synchronized ChildJvm start(String name, Jdk jdk, Class<?> mainClass, List<String> args) {
        ChildJvm child = ChildJvm.start(name, jdk, errorDir(), mainClass, args);
        children.add(child);
        if (!announced) {
            announced = true;
            System.out.println("child JVMs: JDK 17 = " + Jdk.JDK17.java() + ", JDK 25 = " + Jdk.JDK25.java()
                    + "; this JVM is Java " + Runtime.version() + "; crash logs go to " + errorDir);
        }
        return child;
    }

    /** @return the directory children run in and write crash logs to */
    public synchronized Path errorDir() {
        if (errorDir == null) {
            try {
                errorDir = Files.createTempDirectory("fastmmap-children-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return errorDir;
    }

    /** @return how many children were started */
    public synchronized int startedCount() {
        return children.size();
    }

    /** Closes and forgets children that have already finished, so a long test does not keep thousands. */
    public synchronized void forgetFinished() {
        children.removeIf(child -> {
            if (child.isAlive()) {
                return false;
            }
            child.close();
            return true;
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /**
     * Kills every child still running, then fails when any crash log appeared.
     *
     * @throws AssertionError naming each crash log with its first lines
     */
    @Override
    public synchronized void close() {
        List<ChildJvm> all = new ArrayList<>(children);
        children.clear();
        for (ChildJvm child : all) {
            child.close();
        }
        if (errorDir == null) {
            return;
        }
        List<Path> crashes = ChildJvm.crashLogs(errorDir);
        if (!crashes.isEmpty()) {
            StringBuilder message = new StringBuilder(crashes.size() + " child JVM(s) crashed; crash logs kept in "
                    + errorDir + ":");
            for (Path crash : crashes) {
                message.append("\n== ").append(crash).append('\n').append(head(crash, 60));
            }
            throw new AssertionError(message.toString());
        }
        deleteTree(errorDir);
        errorDir = null;
    }

    private static String head(Path file, int lineCount) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            return String.join("\n", lines.limit(lineCount).toList());
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
