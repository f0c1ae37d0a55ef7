package io.fastmmap.session.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The session commands sent to Redis, each bounded by the command timeout, each failure reported as
 * {@link RedisTierUnavailableException}. One multiplexed connection (Lettuce is thread-safe); while it is down,
 * commands are refused at once instead of queued, so requests fail fast and succeed again after the reconnect.
 */
final class RedisSide implements AutoCloseable {
    /**
     * One round trip per save, replacing RedisSessionRepository's EXISTS, HMSET and EXPIREAT (three) and closing
     * the window between them. KEYS[1]: the session's key; KEYS[2]: its key before a session id change (else the
     * same). ARGV[1]: "1" when the session must already exist; ARGV[2]: expiry in epoch milliseconds, or "-1" for
     * none; ARGV[3..]: field, value pairs (a save of an existing session always writes lastAccessedTime). Returns 0
     * when the session is gone (invalidated, expired), else 1.
     *
     * <p>The usual save (existing session, same id, an expiry) runs two commands, not three: PEXPIREAT is also the
     * existence check (it answers 0 for a key that is gone). An expiry already past makes PEXPIREAT delete the
     * session, as RedisSessionRepository's EXPIREAT does; HSET would then make a new hash of every field and no
     * expiry, so a HSET that added every field (an existing hash already has lastAccessedTime) deletes it again.
     */
    static final String SAVE_SCRIPT = """
            if KEYS[1] == KEYS[2] and ARGV[1] == '1' and ARGV[2] ~= '-1' then
              if redis.call('PEXPIREAT', KEYS[1], ARGV[2]) == 0 then return 0 end
              if #ARGV > 2 and redis.call('HSET', KEYS[1], unpack(ARGV, 3)) == (#ARGV - 2) / 2 then
                redis.call('DEL', KEYS[1])
              end
              return 1
            end
            if KEYS[1] ~= KEYS[2] then
              if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
              redis.call('RENAME', KEYS[2], KEYS[1])
            elseif ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
            if ARGV[2] == '-1' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
            return 1
            """;

    private final RedisClient client;
    private final String where;
    private final Duration timeout;
    private final String saveSha;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;

    RedisSide(ClientResources resources, RedisURI uri, Duration timeout) {
        RedisURI bounded = RedisURI.builder(uri).withTimeout(timeout).build();
        this.client = RedisClient.create(resources, bounded);
        this.client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
        this.where = "redis://" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
        this.timeout = timeout;
        this.saveSha = sha1Hex(SAVE_SCRIPT);
    }

    String where() {
        return where;
    }

    /** @return the hash's fields (names decoded, values as stored), empty when the session is absent */
    Map<String, byte[]> readHash(String id, byte[] key) {
        Map<byte[], byte[]> raw = call(id, "read", c -> c.hgetall(key));
        Map<String, byte[]> fields = new LinkedHashMap<>(raw.size() * 2);
        raw.forEach((name, value) -> fields.put(new String(name, StandardCharsets.UTF_8), value));
        return fields;
    }

    /** @return false when the session no longer exists in Redis (nothing was written) */
    boolean save(String id, byte[] key, byte[] previousKey, boolean mustExist, long expireAtMillis,
            Map<String, byte[]> changes) {
        byte[][] keys = {key, previousKey};
        byte[][] args = new byte[2 + 2 * changes.size()][];
        args[0] = ascii(mustExist ? "1" : "0");
        args[1] = ascii(Long.toString(expireAtMillis));
        int i = 2;
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            args[i++] = change.getKey().getBytes(StandardCharsets.UTF_8);
            args[i++] = change.getValue();
        }
        Long saved = call(id, "save", c -> {
            try {
                return c.evalsha(saveSha, ScriptOutputType.INTEGER, keys, args);
            } catch (RedisNoScriptException notLoaded) { // first save after a Redis restart or SCRIPT FLUSH
                return c.eval(SAVE_SCRIPT.getBytes(StandardCharsets.UTF_8), ScriptOutputType.INTEGER, keys, args);
            }
        });
        return saved != null && saved == 1L;
    }

    void delete(String id, byte[] key) {
        call(id, "delete", c -> c.del(key));
    }

    private <T> T call(String id, String what, Function<RedisCommands<byte[], byte[]>, T> command) {
        try {
            return command.apply(connection().sync());
        } catch (RedisException e) {
            throw new RedisTierUnavailableException("Redis at " + where + " did not " + what + " session " + id
                    + " (" + e.getMessage() + "; command timeout " + timeout.toMillis() + " ms). This host's copy "
                    + "is not served while Redis cannot confirm it; requests succeed again as soon as Redis answers "
                    + "(check that Redis is running and reachable: spring.data.redis.*).", e);
        }
    }

    /** Connected on first use, so an application starts while Redis is down and serves once it is up. */
    private StatefulRedisConnection<byte[], byte[]> connection() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (connection == null) {
                StatefulRedisConnection<byte[], byte[]> opened = client.connect(ByteArrayCodec.INSTANCE);
                opened.setTimeout(timeout);
                connection = opened;
            }
            return connection;
        }
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1, which every Java SE platform must have", e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
