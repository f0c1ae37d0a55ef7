package io.fastmmap.perl;

import io.fastmmap.CodecException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Perl's {@code JSON->new->utf8->allow_nonref}: UTF-8 JSON of the value itself (not a reference to it), any JSON
 * value at the top. Loaded only when {@link PerlSerializer#JSON} is used, so Jackson stays optional.
 */
final class PerlJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

    private PerlJson() {
    }

    static byte[] encode(Object value) {
        if (value instanceof PerlObject object) {
            throw new CodecException("serializer 'json' cannot store a blessed " + object.className()
                    + " (Perl's JSON refuses blessed values too); use STORABLE");
        }
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new CodecException("serializer 'json' cannot encode a " + value.getClass().getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    static Object decode(byte[] bytes) {
        try {
            return MAPPER.readValue(bytes, Object.class);
        } catch (IOException e) {
            throw new CodecException("serializer 'json': the stored value is not JSON: " + e.getMessage(), e);
        }
    }
}
