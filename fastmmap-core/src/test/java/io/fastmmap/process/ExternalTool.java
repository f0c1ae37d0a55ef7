package io.fastmmap.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A program outside the JVM that some tests run beside Java (redis-server, Perl with Cache::FastMmap, Catalyst).
 * Where it is missing, those tests are skipped with the reason and the package to install, so a plain
 * {@code mvn install} passes on any machine; with {@code -D<requireProperty>=true} (CI passes it) a missing
 * program fails them instead, so CI never skips them silently.
 *
 * <pre>
 * &#64;RegisterExtension static final ExternalTool PERL = ExternalTool.PERL;  // checked before the class's tests
 * ExternalTool.PERL.assumePresent();                                       // or where the program is started
 * </pre>
 */
public final class ExternalTool implements BeforeAllCallback {
    public static final ExternalTool REDIS = new ExternalTool("redis-server", "fastmmap.redis.require",
            "the Debian package redis-server", List.of("redis-server", "--version"));
    public static final ExternalTool PERL = new ExternalTool("perl with Cache::FastMmap", "fastmmap.perl.require",
            "the Debian package libcache-fastmmap-perl", List.of("perl", "-MCache::FastMmap", "-e", "1"));
    public static final ExternalTool CATALYST = new ExternalTool("perl with Catalyst's session stack and Plack",
            "fastmmap.perl.require", "the Debian packages libcatalyst-perl libcatalyst-plugin-session-perl "
                    + "libcatalyst-plugin-session-store-fastmmap-perl libcatalyst-plugin-session-state-cookie-perl "
                    + "libplack-perl",
            List.of("perl", "-MCatalyst", "-MCatalyst::Plugin::Session::Store::FastMmap",
                    "-MCatalyst::Plugin::Session::State::Cookie", "-MPlack", "-e", "1"));

    /** Probe command -> null when it ran and exited 0, else what went wrong (one probe per JVM and command). */
    private static final Map<List<String>, String> PROBES = new ConcurrentHashMap<>();

    private final String name;
    private final String requireProperty;
    private final String install;
    private final List<String> probe;

    private ExternalTool(String name, String requireProperty, String install, List<String> probe) {
        this.name = name;
        this.requireProperty = requireProperty;
        this.install = install;
        this.probe = probe;
    }

    /** Skips the calling test (or fails it under {@code -D<requireProperty>=true}) when the program does not run. */
    public void assumePresent() {
        String problem = PROBES.computeIfAbsent(probe, ExternalTool::run);
        if (problem.isEmpty()) {
            return;
        }
        String what = name + " is needed (`" + String.join(" ", probe) + "` " + problem + "); install "
                + install;
        if (Boolean.getBoolean(requireProperty)) {
            throw new AssertionError(what + ". -D" + requireProperty + "=true makes this a failure, not a skip.");
        }
        Assumptions.abort("skipped: " + what + ", or pass -D" + requireProperty + "=true to fail instead");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumePresent();
    }

    /** @return "" when {@code command} ran and exited 0, else what happened */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "still ran after 60 s";
            }
            return process.exitValue() == 0 ? "" : "exited " + process.exitValue() + ": "
                    + new String(output, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        } catch (IOException e) {
            return "could not start: " + e.getMessage().strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
