package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;

/** Which values a save may keep as already decoded (DecodedCopies' known values): only what comes back the same. */
class SessionHashesTest {

    @Test
    void jdkSerializationGivesImmutableValuesBackAsTheyWere() {
        SessionHashes hashes = new SessionHashes("spring:session", new JdkSerializationRedisSerializer());
        assertThat(hashes.decodesToItself(5L)).isTrue();
        assertThat(hashes.decodesToItself(7)).isTrue();
        assertThat(hashes.decodesToItself("text")).isTrue();
        assertThat(hashes.decodesToItself(new ArrayList<>())).as("mutable: never shared").isFalse();
        assertThat(hashes.decodesToItself(null)).isFalse();
    }

    @Test
    void aSerializerThatChangesAValuesClassIsNotTrusted() {
        DeserializingConverter jdk = new DeserializingConverter();
        // JDK serialization with a converter that narrows a small Long to an Integer, as JSON serializers do
        JdkSerializationRedisSerializer narrowing = new JdkSerializationRedisSerializer(new SerializingConverter(),
                bytes -> {
                    Object value = jdk.convert(bytes);
                    return value instanceof Long l && l == l.intValue() ? (Object) l.intValue() : value;
                });
        SessionHashes hashes = new SessionHashes("spring:session", narrowing);
        assertThat(hashes.decodesToItself(5L)).as("checked on a real round trip").isFalse();
        assertThat(hashes.decodesToItself("text")).isTrue();

        RedisSerializer<Object> text = new RedisSerializer<>() { // another class than Spring's JDK serializer
            @Override
            public byte[] serialize(Object value) {
                return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Object deserialize(byte[] bytes) {
                return Integer.valueOf(new String(bytes, StandardCharsets.UTF_8));
            }
        };
        assertThat(new SessionHashes("spring:session", text).decodesToItself(5)).as("other serializers: never")
                .isFalse();
    }
}
