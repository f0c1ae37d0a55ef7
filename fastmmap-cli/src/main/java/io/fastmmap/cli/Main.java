package io.fastmmap.cli;

import io.fastmmap.CacheFileException;
import io.fastmmap.FastMmapException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code fastmmap COMMAND FILE ...}. Failures print one line, {@code fastmmap: what went wrong}, and exit with
 * {@link #EXIT_FAILURE}; usage errors print the usage and exit with {@link #EXIT_USAGE}; a stack trace only with
 * {@code FASTMMAP_DEBUG=1}.
 */
// INHERIT: every subcommand takes -h/--help too (`fastmmap create --help`).
@Command(name = "fastmmap", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Inspect, change, verify, repair, watch and benchmark a fastmmap cache file.",
        subcommands = {CreateCommand.class, InfoCommand.class, StatsCommand.class, KeysCommand.class, GetCommand.class,
            SetCommand.class, RemoveCommand.class, ClearCommand.class, PurgeCommand.class, VerifyCommand.class,
            RepairCommand.class, BenchCommand.class, WatchCommand.class, BenchCommand.Worker.class})
public final class Main {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    /** {@code get} of an absent key, like grep's "no match": not an error, but scripts need to tell. */
    static final int EXIT_ABSENT = 3;
    /** {@code verify} found damage, or {@code repair} left some. */
    static final int EXIT_DAMAGED = 4;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine commandLine = new CommandLine(Main.class);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            PrintWriter err = line.getErr();
            err.println("fastmmap: " + describe(exception, fileOf(exception, line.getParseResult())));
            if (System.getenv("FASTMMAP_DEBUG") != null) {
                exception.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        });
        commandLine.setParameterExceptionHandler((exception, args2) -> {
            PrintWriter err = exception.getCommandLine().getErr();
            err.println("fastmmap: " + exception.getMessage());
            exception.getCommandLine().usage(err);
            return EXIT_USAGE;
        });
        return commandLine.execute(args);
    }

    private static String describe(Exception exception, Path file) {
        if (exception instanceof FastMmapException || exception instanceof IllegalArgumentException) {
            return CliAdvice.of(exception.getMessage(), file);
        }
        if (exception instanceof UncheckedIOException || exception instanceof IOException) {
            return "I/O error: " + exception.getMessage();
        }
        return exception.toString();
    }

    /** The file the failure is about: the exception's own, else the command's FILE (its first parameter). */
    private static Path fileOf(Exception exception, ParseResult parseResult) {
        if (exception instanceof CacheFileException failure && failure.file() != null) {
            return failure.file();
        }
        PositionalParamSpec first = parseResult == null ? null : parseResult.matchedPositional(0);
        return first != null && first.getValue() instanceof Path path ? path : null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fastmmap " + (version == null ? "(development build)" : version)
                    + " on Java " + Runtime.version()};
        }
    }
}
