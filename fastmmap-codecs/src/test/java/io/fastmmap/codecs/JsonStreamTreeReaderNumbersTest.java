package io.fastmmap.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The codec's doubles, parsed by Jackson with FastDoubleParser ({@code USE_FAST_DOUBLE_PARSER}): each must be the
 * very double (bit for bit, so -0.0 too) that {@code Double.parseDouble} makes of the text, as Jackson's default
 * parser does, so stored sessions read the same as before the switch.
 */
class JsonStreamTreeReaderNumbersTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** Where a shortcut is most likely to round wrongly or lose the sign. */
    private static final List<String> BOUNDARIES = List.of(
            "0.1", "0.2", "0.3", "0.30000000000000004", "-0.0", "0.0", "-0e0", "0e-5", "-0.000", "0e400",
            "1e22", "1e23", "-1e22", "-1e23", "1e-22", "1e-23", "3e22", "3e23", "7e-22", "7e-23", "1.0", "4.99",
            "17.490000000000002", "19.990000000000002", "9007199254740991.0", "9007199254740992.0",
            "9007199254740993.0", "9007199254740994.0", "9007199254740995.0", "9007199254740993e0",
            "9007199254740993e-1", "9007199254740993e1", "9007199254740991e22", "9007199254740991e-22",
            "9007199254740992e22", "9007199254740993e22", "900719925474099.3", "90071992547409.93e2",
            "123456789012345678e-22", "123456789012345678e22", "999999999999999999e-18", "1234567890123456789e-5",
            "0.000000000000000001", "1.00000000000000000000", "2.2250738585072011e-308", "2.2250738585072014e-308",
            "4.9e-324", "2.4e-324", "2.5e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1.8e308",
            "1e-400", "1e400", "1E+2", "1e+22", "1e-0", "1e0000000000000000000001", "5e-1", "0.5E-0",
            "8.41e21", "8.41e22", "1.448997445238699", "3.141592653589793238462643383279", "2.718281828459045",
            "123456.789e3", "0.000001", "1e-7", "6.02214076e23", "1.602176634e-19", "1e15", "1e16", "1e17",
            "299792458.0", "1.5e300", "1.5e-300", "4503599627370497.5", "4503599627370496.5", "0.07", "1.13",
            "0.0012345678901234567", "0.0000000000000000000012345", "0.000000000000000000000", "0.00000000000000000001",
            "0.000000000000000012345678901234567", "0.1234567890123456789", "0.012345678901234567", "1e-342",
            "1e-343", "9.999999999999999e-343", "1e308", "1e309", "9.999999999999999e307", "18014398509481986e0",
            "18014398509481990e0", "9223372036854775807e0", "999999999999999999e290", "2.2250738585072009e-308",
            "7.2057594037927933e16", "1.00000000000000011102230246251565404236316680908203125",
            "1.0000000000000002220446049250313080847263336181640625", "123456789012345678.5e-1");

    @Test
    void shouldReadBoundaryDecimalsAsTheDoubleParseDoubleMakes() throws IOException {
        for (String number : BOUNDARIES) {
            for (String signed : List.of(number, number.startsWith("-") ? number.substring(1) : "-" + number)) {
                Object read = readOne(signed);
                assertThat(read).as(signed).isEqualTo(Double.parseDouble(signed));
                assertThat(read).as(signed + " in Jackson").isEqualTo(JACKSON.readValue("[" + signed + "]",
                        List.class).get(0));
            }
        }
    }

    /**
     * Decimals of every length and exponent (significands of 1 to 20 digits, some with leading zeros after the
     * point, exponents mostly -40 to 40, some to +-330, integers from 2^53 up where every other one is a tie), plus
     * Java's own shortest texts of random doubles, in documents of 500 numbers each.
     */
    @Test
    void shouldReadRandomDecimalsAsTheDoubleParseDoubleMakes() throws IOException {
        Random random = new Random(20261201L);
        JsonStreamTreeReader reader = ownReader();
        for (int document = 0; document < 400; document++) {
            List<String> numbers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                numbers.add(i % 5 == 0 ? shortest(random) : decimal(random));
            }
            Object read = reader.read(("[" + String.join(",", numbers) + "]").getBytes(StandardCharsets.UTF_8));
            assertThat(read).isInstanceOf(List.class);
            List<?> values = (List<?>) read;
            for (int i = 0; i < numbers.size(); i++) {
                assertThat(values.get(i)).as(numbers.get(i)).isEqualTo(Double.parseDouble(numbers.get(i)));
            }
        }
    }

    private static JsonStreamTreeReader ownReader() {
        ObjectMapper own = JsonStreamTreeReader.ownMapper();
        return JsonStreamTreeReader.forOwnMapper(own, own.constructType(Object.class));
    }

    private static Object readOne(String number) throws IOException {
        Object read = ownReader().read(("[" + number + "]").getBytes(StandardCharsets.UTF_8));
        assertThat(read).as(number).isInstanceOf(List.class);
        return ((List<?>) read).get(0);
    }

    private static String decimal(Random random) {
        StringBuilder digits = new StringBuilder();
        int count = 1 + random.nextInt(random.nextBoolean() ? 16 : 20);
        for (int i = 0; i < count; i++) {
            digits.append(random.nextInt(10));
        }
        // Long runs of 9s and 0s, the carries and ties of rounding.
        if (random.nextInt(8) == 0) {
            digits.replace(random.nextInt(count), count, (random.nextBoolean() ? "9" : "0").repeat(count));
            digits.setLength(count);
        }
        if (random.nextInt(8) == 0) { // from 2^53 on, half of all odd integers are ties between two doubles
            return (1L << 53) + random.nextLong(999_999_999_999_999_999L - (1L << 53)) + "e0";
        }
        if (random.nextInt(8) == 0) {
            return "0." + "0".repeat(random.nextInt(25)) + digits;
        }
        String integer = digits.toString().replaceFirst("^0+(?=.)", "");
        int point = random.nextInt(integer.length() + 1);
        StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
        if (point == integer.length()) {
            text.append(integer);
        } else {
            String whole = integer.substring(0, point);
            text.append(whole.isEmpty() || whole.matches("0+") ? "0" : whole.replaceFirst("^0+", ""))
                    .append('.').append(integer.substring(point));
        }
        if (point == integer.length() || random.nextBoolean()) {
            text.append(random.nextBoolean() ? 'e' : 'E').append(random.nextBoolean() ? "-" : "")
                    .append(random.nextInt(4) == 0 ? random.nextInt(331) : random.nextInt(41));
        }
        return text.toString();
    }

    /** {@code Double.toString} of a random finite double: the 16- and 17-digit texts Jackson itself writes. */
    private static String shortest(Random random) {
        double value;
        do {
            value = switch (random.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() / (random.nextBoolean() ? 1 : 100);
                default -> (random.nextInt(100_000) + random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
            };
        } while (!Double.isFinite(value));
        return Double.toString(value);
    }
}
