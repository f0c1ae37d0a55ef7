package io.fastmmap.codecs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the tree a default {@code ObjectMapper} makes for {@code Object}, {@code Map<String, Object>} or
 * {@code List<Object>} ({@code LinkedHashMap} in document order, of duplicate names the last value in the first
 * one's place; {@code ArrayList}; {@code String}; the smallest of {@code Integer}, {@code Long}, {@code BigInteger};
 * {@code Double}; {@code Boolean}; {@code null}) from jackson-core's streaming parser, without databind's
 * deserializer lookup and context per read. The parser is Jackson's, so its limits
 * ({@code StreamReadConstraints}) and its errors are Jackson's too. The candidate {@code JsonDecodeBenchmark}
 * measures against {@link JsonTreeReader}.
 */
final class JsonStreamTreeReader {
    private final JsonFactory factory;

    JsonStreamTreeReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** A factory as the codec's own mapper has, parsing doubles with FastDoubleParser (same values, less time). */
    static JsonFactory defaultFactory() {
        return JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    }

    /**
     * @param bytes UTF-8 JSON
     * @return the tree of the root value
     * @throws IOException Jackson's error for malformed JSON
     */
    Object read(byte[] bytes) throws IOException {
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            return value(parser, token);
        }
    }

    static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                return object(parser);
            case START_ARRAY:
                return array(parser);
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("unexpected JSON token " + token); // the parser never yields it here
        }
    }

    private static Map<String, Object> object(JsonParser parser) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            map.put(name, value(parser, parser.nextToken()));
        }
        return map;
    }

    private static List<Object> array(JsonParser parser) throws IOException {
        List<Object> list = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            list.add(value(parser, token));
        }
        return list;
    }
}
