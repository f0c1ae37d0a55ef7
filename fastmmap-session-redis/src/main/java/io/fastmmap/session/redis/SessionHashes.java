package io.fastmmap.session.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.MapSession;
import org.springframework.session.data.redis.RedisSessionMapper;

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
    private final RedisSessionMapper mapper = new RedisSessionMapper();

    SessionHashes(String namespace, RedisSerializer<Object> serializer) {
        this.keyPrefix = namespace + ":sessions:";
        this.serializer = serializer;
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

    byte[] serialize(Object value) {
        byte[] bytes = serializer.serialize(value);
        return bytes == null ? new byte[0] : bytes;
    }

    /**
     * @return the session as Spring Session's own mapper reads it, or null when the hash is incomplete (as
     *     {@code RedisSessionRepository} treats it)
     */
    MapSession toSession(String id, Map<String, byte[]> fields) {
        Map<String, Object> values = new HashMap<>(fields.size() * 2);
        fields.forEach((name, bytes) -> values.put(name, serializer.deserialize(bytes)));
        try {
            return mapper.apply(id, values);
        } catch (IllegalStateException incomplete) {
            return null;
        }
    }
}
