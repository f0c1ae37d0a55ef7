package io.fastmmap.codecs;

import java.util.Random;

/** Random JSON texts, seeded: every escape, number form and whitespace, names that repeat, lone surrogates. */
final class RandomJson {
    /** Few names, so objects often repeat one. */
    private static final String[] NAMES = {"a", "b", "id", "é", "中文", "😀", "with space", "q\"", "b\\s", ""};
    private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0000", "\u001f",
        "\u007f", "é", "中", "😀", "\u2028", "\ufffd"};
    private static final String WHITESPACE = " \t\r\n";

    private RandomJson() {
    }

    static String text(Random random) {
        StringBuilder json = new StringBuilder();
        whitespace(random, json);
        value(random, json, 0);
        whitespace(random, json);
        return json.toString();
    }

    private static void value(Random random, StringBuilder json, int depth) {
        switch (random.nextInt(depth < 4 ? 9 : 7)) {
            case 0, 1 -> string(random, json, text(random, true));
            case 2 -> integer(random, json);
            case 3 -> decimal(random, json);
            case 4 -> json.append(random.nextBoolean() ? "true" : "false");
            case 5 -> json.append("null");
            case 6 -> integer(random, json.append(random.nextBoolean() ? "" : "-"));
            case 7 -> {
                json.append('{');
                int count = random.nextInt(6);
                for (int i = 0; i < count; i++) {
                    whitespace(random, json.append(i == 0 ? "" : ","));
                    string(random, json, NAMES[random.nextInt(NAMES.length)]);
                    whitespace(random, json);
                    whitespace(random, json.append(':'));
                    value(random, json, depth + 1);
                    whitespace(random, json);
                }
                json.append('}');
            }
            default -> {
                json.append('[');
                int count = random.nextInt(6);
                for (int i = 0; i < count; i++) {
                    whitespace(random, json.append(i == 0 ? "" : ","));
                    value(random, json, depth + 1);
                    whitespace(random, json);
                }
                json.append(']');
            }
        }
    }

    /** Each character raw where JSON allows it, or escaped as a short escape or in either case of hex. */
    private static void string(Random random, StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean mustEscape = c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
            int style = mustEscape ? 1 + random.nextInt(2) : random.nextInt(4);
            String shortEscape = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '/' -> "\\/";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                case '\r' -> "\\r";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> null;
            };
            if (style == 0 || style == 3 && !Character.isSurrogate(c)) {
                json.append(c);
            } else if (style == 1 && shortEscape != null) {
                json.append(shortEscape);
            } else {
                String hex = String.format("\\u%04x", (int) c);
                json.append(random.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT).replace("\\U", "\\u"));
            }
        }
        json.append('"');
    }

    private static void integer(Random random, StringBuilder json) {
        int digits = 1 + random.nextInt(random.nextBoolean() ? 10 : 40);
        json.append(digits == 1 ? random.nextInt(10) : 1 + random.nextInt(9));
        for (int i = 1; i < digits; i++) {
            json.append(random.nextInt(10));
        }
    }

    private static void decimal(Random random, StringBuilder json) {
        integer(random, json.append(random.nextBoolean() ? "" : "-"));
        boolean fraction = random.nextBoolean();
        if (fraction) {
            integer(random, json.append('.'));
        }
        if (!fraction || random.nextBoolean()) {
            json.append(random.nextBoolean() ? 'e' : 'E').append(new String[] {"", "+", "-"}[random.nextInt(3)]);
            json.append(random.nextInt(random.nextBoolean() ? 30 : 400));
        }
    }

    private static void whitespace(Random random, StringBuilder json) {
        while (random.nextInt(4) == 0) {
            json.append(WHITESPACE.charAt(random.nextInt(WHITESPACE.length())));
        }
    }

    /** @param loneSurrogates whether a lone surrogate may appear (JSON escapes carry them; UTF-8 cannot) */
    static String text(Random random, boolean loneSurrogates) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(12);
        for (int i = 0; i < pieces; i++) {
            if (loneSurrogates && random.nextInt(40) == 0) {
                text.append(random.nextBoolean() ? '\ud800' : '\udfff');
            } else {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return text.toString();
    }
}
