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

/**
 * JSON through Jackson (Perl {@code serializer => 'json'}, which is {@code JSON->new->utf8->allow_nonref}: UTF-8
 * bytes, any JSON value at the top level; Jackson reads and writes the same). Needs
 * {@code com.fasterxml.jackson.core:jackson-databind} 2.x on the class path.
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

    private JsonCodec(ObjectMapper mapper, JavaType type) {
        this.type = type;
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writer();
    }

    /**
     * @param type the value type
     * @param <T> the value type
     * @return a codec with a default {@link ObjectMapper}
     */
    public static <T> JsonCodec<T> of(Class<T> type) {
        return of(new ObjectMapper(), type);
    }

    /**
     * @param mapper configured as you need (modules, features); shared, so do not reconfigure it afterwards
     * @param type the value type
     * @param <T> the value type
     * @return the codec
     */
    public static <T> JsonCodec<T> of(ObjectMapper mapper, Class<T> type) {
        return new JsonCodec<>(mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
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
        return new JsonCodec<>(mapper, mapper.constructType(Objects.requireNonNull(type, "type")));
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
    public T decode(byte[] bytes) {
        try {
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
