package io.fastmmap.session.redis;

import io.fastmmap.session.ImmutableValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.MapSession;

/**
 * Spring Session Data Redis's layout ({@code RedisSessionRepository}): one hash per session at
 * {@code <namespace>:sessions:<id>}, fields {@code creationTime}, {@code lastAccessedTime} (epoch milliseconds,
 * Long), {@code maxInactiveInterval} (seconds, Integer) and {@code sessionAttr:<name>}, every value through the one
 * hash-value serializer (JDK serialization by default), so plain Spring Session nodes read what this tier writes and
 * the other way round.
 */
final class SessionHashes {
    static final String CREATION_TIME = "creationTime";
    static final String LAST_ACCESSED_TIME = "lastAccessedTime";
    static final String MAX_INACTIVE_INTERVAL = "maxInactiveInterval";
    static final String ATTRIBUTE_PREFIX = "sessionAttr:";

    private final String keyPrefix;
    private final RedisSerializer<Object> serializer;
    private final boolean jdkSerialization;
    /** Per class of value: whether {@link #decodesToItself} holds for it. */
    private final Map<Class<?>, Boolean> roundTrips = new ConcurrentHashMap<>();

    SessionHashes(String namespace, RedisSerializer<Object> serializer) {
        this.keyPrefix = namespace + ":sessions:";
        this.serializer = serializer;
        this.jdkSerialization = serializer.getClass() == JdkSerializationRedisSerializer.class;
    }

    /** The prefix every session key starts with: what the listener tracks. */
    String keyPrefix() {
        return keyPrefix;
    }

    byte[] key(String id) {
        return (keyPrefix + id).getBytes(StandardCharsets.UTF_8);
    }

    /** @return the session id of a tracked key, or null for a key outside the layout */
    String idOfKey(String key) {
        if (!key.startsWith(keyPrefix)) {
            return null;
        }
        String rest = key.substring(keyPrefix.length());
        // RedisIndexedSessionRepository's shadow key of the same session
        return rest.startsWith("expires:") ? rest.substring("expires:".length()) : rest;
    }

    /**
     * @return true when the serializer gives {@code value} back, equal and of its class, from the bytes it makes of
     *     it, so a value just written need not be deserialized when it is read back: values of immutable classes
     *     under JDK serialization (Spring Session's default), which keeps every value's class (a JSON serializer
     *     may not: a small Long comes back an Integer); checked once per class on a real round trip as well
     */
    boolean decodesToItself(Object value) {
        if (!jdkSerialization || !ImmutableValues.isShareable(value)) {
            return false;
        }
        return roundTrips.computeIfAbsent(value.getClass(),
                type -> value.equals(serializer.deserialize(serializer.serialize(value))));
    }

    byte[] serialize(Object value) {
        byte[] bytes = serializer.serialize(value);
        return bytes == null ? new byte[0] : bytes;
    }

    /**
     * Reads a hash as Spring Session's {@code RedisSessionMapper} does: the three times are required, every
     * {@code sessionAttr:} field is an attribute, other fields are ignored (but still go through the serializer,
     * as every Spring Session node deserializes every value of the hash).
     *
     * @param values the session's values already decoded by this JVM: a field whose bytes are the same is not
     *     deserialized again (immutable values only)
     * @return the session, or null when the hash is incomplete or holds values of the wrong types (as
     *     {@code RedisSessionRepository} treats a missing session)
     */
    MapSession toSession(String id, Map<String, byte[]> fields, DecodedCopies.Values values) {
        Function<byte[], Object> deserializer = serializer::deserialize;
        BiFunction<String, byte[], Object> decoder = (name, bytes) -> values.decode(name, bytes, deserializer);
        MapSession session = new MapSession(id);
        Object created = null;
        Object lastAccessed = null;
        Object maxInactive = null;
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            String name = field.getKey();
            if (name.startsWith(ATTRIBUTE_PREFIX)) {
                session.setAttribute(name.substring(ATTRIBUTE_PREFIX.length()), decoder.apply(name, field.getValue()));
            } else if (name.equals(CREATION_TIME)) {
                created = decoder.apply(name, field.getValue());
            } else if (name.equals(LAST_ACCESSED_TIME)) {
                lastAccessed = decoder.apply(name, field.getValue());
            } else if (name.equals(MAX_INACTIVE_INTERVAL)) {
                maxInactive = decoder.apply(name, field.getValue());
            }
        }
        if (!(created instanceof Long c) || !(lastAccessed instanceof Long l) || !(maxInactive instanceof Integer m)) {
            return null;
        }
        session.setCreationTime(Instant.ofEpochMilli(c));
        session.setLastAccessedTime(Instant.ofEpochMilli(l));
        session.setMaxInactiveInterval(Duration.ofSeconds(m));
        return session;
    }
}
