package io.fastmmap.cli;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The library's messages give advice to Java callers in builder terms ({@code recreate(true)}, {@code pageSize});
 * a user of this command needs its options instead.
 */
final class CliAdvice {
    private static final Pattern RECREATE = Pattern.compile("recreate\\(true\\)");
    private static final String[][] OPTIONS = {
        {"lockTimeout", "--lock-timeout"}, {"cacheSize", "--cache-size"}, {"pageSize", "--page-size"},
        {"pageCount", "--page-count"},
    };

    private CliAdvice() {
    }

    /** @param file the command's FILE, or null when it has none */
    static String of(String message, Path file) {
        String create = "`fastmmap create " + (file == null ? "FILE" : file) + " --force`";
        String advice = RECREATE.matcher(message).replaceAll(Matcher.quoteReplacement(create));
        for (String[] option : OPTIONS) {
            advice = advice.replaceAll("\\b" + option[0] + "\\b", option[1]);
        }
        return advice;
    }
}
