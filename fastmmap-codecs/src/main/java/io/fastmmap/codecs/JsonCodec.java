package io.fastmmap.codecs;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import java.util.Objects;
import java.util.function.Function;

/**
 * JSON through Jackson (Perl {@code serializer => 'json'}, which is {@code JSON->new->utf8->allow_nonref}: UTF-8
 * bytes, any JSON value at the top level; Jackson reads and writes the same). Needs
 * {@code com.fasterxml.jackson.core:jackson-databind} 2.x on the class path.
 *
 * <p>A codec made without a mapper ({@link #of(Class)}, {@link #of(TypeReference)}) for {@code Object},
 * {@code Map<String, Object>} or {@code List<Object>} builds the {@code LinkedHashMap}/{@code ArrayList}/{@code
 * String}/{@code Integer}/{@code Long}/{@code BigInteger}/{@code Double}/{@code Boolean} tree that databind builds
 * straight from Jackson's streaming parser ({@link JsonStreamTreeReader}), without databind's per-read layer; its
 * mapper parses doubles with FastDoubleParser ({@code StreamReadFeature.USE_FAST_DOUBLE_PARSER}, the same values).
 * Values, limits and errors are Jackson's. Writing is Jackson's always. A codec given a mapper always reads through
 * that mapper: a mapper can be configured in more ways than any check could follow, and reconfigured later.
 *
 * @param <T> the type encoded
 */
public final class JsonCodec<T> implements Codec<T> {
    private final JavaType type;
    /**
     * Made once: a reader for the type finds its root deserializer when it is made, where
     * {@code mapper.readValue(bytes, type)} looks it up on every call. The writer has no root type, so a value is
     * written as its runtime class, as {@code mapper.writeValueAsBytes} does.
     */
    private final ObjectReader reader;
    private final ObjectWriter writer;
    /** Null unless the codec made the mapper itself and the type is one of untyped data: see the class comment. */
    final JsonStreamTreeReader treeReader;

    private JsonCodec(ObjectMapper mapper, JavaType type, boolean ownMapper) {
        this.type = type;
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writer();
        this.treeReader = ownMapper ? JsonStreamTreeReader.forOwnMapper(mapper, type) : null;
    }

    /**
     * @param type the value type
     * @param <T> the value type
     * @return a codec with a default {@link ObjectMapper}
     */
    public static <T> JsonCodec<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return withOwnMapper(mapper -> mapper.constructType(type));
    }

    /**
     * For generic types with a default {@link ObjectMapper}, e.g. {@code new TypeReference<Map<String, Object>>()
     * {}}, the codec of a session's attributes.
     *
     * @param type the value type
     * @param <T> the value type
     * @return a codec with a default {@link ObjectMapper}
     */
    public static <T> JsonCodec<T> of(TypeReference<T> type) {
        Objects.requireNonNull(type, "type");
        return withOwnMapper(mapper -> mapper.constructType(type));
    }

    /** A mapper nobody else holds stays at Jackson's defaults, which is what lets the codec build the tree itself. */
    private static <T> JsonCodec<T> withOwnMapper(Function<ObjectMapper, JavaType> type) {
        ObjectMapper mapper = JsonStreamTreeReader.ownMapper();
        return new JsonCodec<>(mapper, type.apply(mapper), true);
    }

    /**
     * @param mapper configured as you need (modules, features); shared, so do not reconfigure it afterwards
     * @param type the value type
     * @param <T> the value type
     * @return the codec
     */
    public static <T> JsonCodec<T> of(ObjectMapper mapper, Class<T> type) {
        return new JsonCodec<>(mapper, mapper.constructType(Objects.requireNonNull(type, "type")), false);
    }

    /**
     * For generic types, e.g. {@code new TypeReference<Map<String, Object>>() {}}.
     *
     * @param mapper the mapper
     * @param type the value type
     * @param <T> the value type
     * @return the codec
     */
    public static <T> JsonCodec<T> of(ObjectMapper mapper, TypeReference<T> type) {
        return new JsonCodec<>(mapper, mapper.constructType(Objects.requireNonNull(type, "type")), false);
    }

    @Override
    public byte[] encode(T value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new CodecException(this + ": cannot write a " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked") // the tree reader only answers for Object, Map<String, Object> and List<Object>
    public T decode(byte[] bytes) {
        try {
            if (treeReader != null) {
                Object tree = treeReader.read(bytes);
                if (tree != JsonStreamTreeReader.UNSURE) {
                    return (T) tree;
                }
            }
            return reader.readValue(bytes);
        } catch (JacksonException e) {
            throw new CodecException(this + ": the stored " + bytes.length + " bytes are not JSON of this type: "
                    + e.getOriginalMessage() + "; the entry was written with another codec", e);
        } catch (java.io.IOException e) {
            throw new CodecException(this + ": reading JSON failed: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "JsonCodec(" + type.toCanonical() + ")";
    }
}
