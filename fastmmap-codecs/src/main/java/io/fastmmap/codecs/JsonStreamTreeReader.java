package io.fastmmap.codecs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the tree a default {@code ObjectMapper} makes for {@code Object}, {@code Map<String, Object>} or
 * {@code List<Object>} ({@code LinkedHashMap} in document order, of duplicate names the last value in the first
 * one's place; {@code ArrayList}; {@code String}; the smallest of {@code Integer}, {@code Long}, {@code BigInteger};
 * {@code Double}; {@code Boolean}; {@code null}) straight from jackson-core's streaming parser, without databind's
 * per-read context and deserializer dispatch: 1.2-1.35x less CPU than databind for W2's session map
 * (docs/benchmarks.md, "One JSON path"). The parser is Jackson's, so its limits ({@code StreamReadConstraints}) and
 * its errors are Jackson's too; a root of another kind than the type wants is left to databind ({@link #UNSURE}),
 * whose value or error is then the answer.
 */
final class JsonStreamTreeReader {
    /** What {@link #read} returns where databind must decide (another root kind, an empty document). */
    static final Object UNSURE = new Object();
    /** {@link #root} for the type {@code Object}: an object or an array. */
    private static final JsonToken ANY_ROOT = JsonToken.NOT_AVAILABLE;

    private final JsonFactory factory;
    private final JsonToken root;

    private JsonStreamTreeReader(JsonFactory factory, JsonToken root) {
        this.factory = factory;
        this.root = root;
    }

    /** The codec's own mapper: Jackson's defaults, doubles parsed by FastDoubleParser (the same values, faster). */
    static ObjectMapper ownMapper() {
        return new ObjectMapper(JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build());
    }

    /**
     * @return a reader for the codec of a mapper that nobody but the codec can configure, or null where only
     *         databind reads (a type other than untyped data)
     */
    static JsonStreamTreeReader forOwnMapper(ObjectMapper mapper, JavaType type) {
        JsonToken root;
        if (type.getRawClass() == Object.class) {
            root = ANY_ROOT;
        } else if (type.getClass() == MapType.class
                && (type.getRawClass() == Map.class || type.getRawClass() == LinkedHashMap.class)
                && (type.getKeyType().getRawClass() == String.class || type.getKeyType().getRawClass() == Object.class)
                && type.getContentType().getRawClass() == Object.class) {
            root = JsonToken.START_OBJECT;
        } else if (type.getClass() == CollectionType.class
                && (type.getRawClass() == List.class || type.getRawClass() == ArrayList.class)
                && type.getContentType().getRawClass() == Object.class) {
            root = JsonToken.START_ARRAY;
        } else {
            return null;
        }
        return new JsonStreamTreeReader(mapper.getFactory(), root);
    }

    /**
     * @param bytes UTF-8 JSON
     * @return the tree of the root value, or {@link #UNSURE}
     * @throws IOException Jackson's parser's error for malformed JSON
     */
    Object read(byte[] bytes) throws IOException {
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken token = parser.nextToken();
            boolean wanted = root == ANY_ROOT ? token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY
                    : token == root;
            // What follows the root is not read, as databind (FAIL_ON_TRAILING_TOKENS off) does not read it.
            return wanted ? value(parser, token) : UNSURE;
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                return object(parser);
            case START_ARRAY:
                return array(parser);
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberValue(); // Integer, Long or BigInteger: the smallest that holds it
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default: // the parser yields no other token where a value starts
                throw new IllegalStateException("JSON token " + token + " where a value starts");
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
