package io.fastmmap.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte counts as people type them: {@code 1024}, {@code 64k}, {@code 16m}, {@code 1g} (powers of 1024). */
final class SizeConverter implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    @Override
    public Long convert(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a size; write e.g. 1024, 64k, 16m or 1g");
        }
        int shift = switch (m.group(2).toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long amount = Long.parseLong(m.group(1));
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new TypeConversionException("'" + text + "' is too large");
        }
        return amount << shift;
    }
}
