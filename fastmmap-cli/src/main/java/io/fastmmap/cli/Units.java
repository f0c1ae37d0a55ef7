package io.fastmmap.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

final class Units {
    private Units() {
    }

    /** {@code 65536} as {@code 64 KiB (65536 bytes)}: exact, and readable. */
    static String bytes(long count) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit < 0) {
            return count + " bytes";
        }
        String rounded = new BigDecimal(String.format(Locale.ROOT, "%.4g", value)).stripTrailingZeros().toPlainString();
        return rounded + " " + units[unit] + " (" + count + " bytes)";
    }

    /** {@code PT2M30S} as {@code 2m30s}. */
    static String duration(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.2f µs", nanos / 1000.0);
    }
}
