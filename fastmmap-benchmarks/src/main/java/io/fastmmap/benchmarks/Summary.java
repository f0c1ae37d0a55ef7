package io.fastmmap.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH JSON results ({@code -rf json}) into the Markdown tables of docs/benchmarks.md:
 *
 * <pre>
 *   java -cp benchmarks.jar io.fastmmap.benchmarks.Summary results.json...
 * </pre>
 *
 * One row per benchmark and value size: mean ns/op and ops/s (AverageTime), p50 and p99 (SampleTime), bytes
 * allocated per op (-prof gc); then get's ratio to the floor. Other benchmarks (a breakdown) get a plain table.
 */
public final class Summary {
    private Summary() {
    }

    public static void main(String[] args) throws IOException {
        for (String file : args) {
            List<Object> results = asList(new Json(Files.readString(Path.of(file))).value());
            System.out.println("<!-- " + file + " -->");
            print(results);
            System.out.println();
        }
    }

    /** A row: one benchmark at one value size, with what each mode measured. */
    private static final class Row {
        String name;
        String size;
        double avg = Double.NaN;
        double avgError = Double.NaN;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double sampleMean = Double.NaN;
        double alloc = Double.NaN;
        String unit = "";
    }

    private static void print(List<Object> results) {
        Map<String, Row> rows = new LinkedHashMap<>();
        String jdk = "";
        for (Object o : results) {
            Map<String, Object> result = asMap(o);
            jdk = result.get("jdkVersion") + " (" + result.get("vmVersion") + ")";
            String benchmark = (String) result.get("benchmark");
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            Map<String, Object> params = result.get("params") == null ? Map.of() : asMap(result.get("params"));
            String size = String.valueOf(params.getOrDefault("valueSize", ""));
            for (Map.Entry<String, Object> param : params.entrySet()) { // other parameters name the row
                if (!param.getKey().equals("valueSize")) {
                    name += " " + param.getKey() + "=" + param.getValue();
                }
            }
            Row row = rows.computeIfAbsent(name + "|" + size, k -> new Row());
            row.name = name;
            row.size = size;
            Map<String, Object> primary = asMap(result.get("primaryMetric"));
            row.unit = (String) primary.get("scoreUnit");
            String mode = (String) result.get("mode");
            double score = number(primary.get("score"));
            if (mode.equals("sample")) {
                Map<String, Object> percentiles = asMap(primary.get("scorePercentiles"));
                row.p50 = number(percentiles.get("50.0"));
                row.p99 = number(percentiles.get("99.0"));
                row.sampleMean = score;
            } else {
                row.avg = score;
                row.avgError = number(primary.get("scoreError"));
            }
            Map<String, Object> secondary = result.get("secondaryMetrics") == null ? Map.of()
                    : asMap(result.get("secondaryMetrics"));
            if (secondary.get("gc.alloc.rate.norm") != null && (Double.isNaN(row.alloc) || !mode.equals("sample"))) {
                row.alloc = number(asMap(secondary.get("gc.alloc.rate.norm")).get("score"));
            }
        }
        System.out.println("JDK " + jdk);
        System.out.println();
        System.out.println("| benchmark | value bytes | mean ns/op | ops/s | p50 ns | p99 ns | alloc B/op |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows.values()) {
            double mean = Double.isNaN(row.avg) ? row.sampleMean : row.avg;
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", row.name, row.size,
                    Double.isNaN(row.avg) ? fmt(mean) : fmt(row.avg) + " ± " + fmt(row.avgError),
                    Double.isNaN(mean) ? "" : String.format(Locale.ROOT, "%,.0f", 1e9 / mean),
                    fmt(row.p50), fmt(row.p99), fmt(row.alloc));
        }
        Map<String, Row[]> pairs = new TreeMap<>();
        for (Row row : rows.values()) {
            String op = row.name.substring(row.name.indexOf('.') + 1);
            String rest = op.contains(" ") ? op.substring(op.indexOf(' ')) : "";
            op = op.contains(" ") ? op.substring(0, op.indexOf(' ')) : op;
            if (op.equals("get") || op.equals("floor")) {
                pairs.computeIfAbsent(row.name.substring(0, row.name.indexOf('.')) + rest + "|" + row.size,
                        k -> new Row[2])[op.equals("get") ? 0 : 1] = row;
            }
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Row[]> pair : pairs.entrySet()) {
            Row get = pair.getValue()[0];
            Row floor = pair.getValue()[1];
            if (get != null && floor != null) {
                lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %s |",
                        pair.getKey().replace('|', ' '), fmt(get.avg), fmt(floor.avg), fmt(get.avg - floor.avg),
                        get.avg / floor.avg, Double.isNaN(get.p50) || Double.isNaN(floor.p50) ? ""
                                : String.format(Locale.ROOT, "%.2f", get.p50 / floor.p50)));
            }
        }
        if (!lines.isEmpty()) {
            System.out.println();
            System.out.println("| get vs floor | get mean ns | floor mean ns | get - floor ns | mean ratio | p50 ratio |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            lines.forEach(System.out::println);
        }
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double number(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        return o instanceof String s && s.equals("NaN") ? Double.NaN : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        return (List<Object>) o;
    }

    /** Just enough JSON for JMH's result files. */
    private static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            skipSpace();
            char c = text.charAt(at);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                default:
                    return scalar();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (text.charAt(at) == '}') {
                at++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (text.charAt(at++) == '}') {
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (text.charAt(at) == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (text.charAt(at++) == ']') {
                    return list;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private Object scalar() {
            int start = at;
            while (at < text.length() && ",}] \n\r\t".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            String token = text.substring(start, at);
            switch (token) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    return Double.parseDouble(token);
            }
        }

        private void expect(char c) {
            if (text.charAt(at) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + at + " in JSON");
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
