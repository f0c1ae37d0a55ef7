package io.fastmmap.session.redis;

import io.fastmmap.FastMmap;
import io.fastmmap.spring.session.SessionRepositorySettings;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * Sessions for many hosts: Redis holds them, in Spring Session Data Redis's own layout, and this host's fastmmap file
 * holds a copy shared by every instance on the host, kept correct by Redis's invalidation pushes (see
 * {@code docs/scale-out.md} for what is promised and how it is tested).
 *
 * <ul>
 *   <li>A request whose session is unchanged and current on this host reads nothing from Redis.
 *   <li>A save writes only what changed, with the existence check and the new expiry, in one round trip; a request
 *       that changed nothing writes nothing until its last-access time is due ({@link RedisTierConfig#touchInterval}).
 *   <li>Redis unreachable: reads and saves fail with {@link RedisTierUnavailableException} within the command
 *       timeout; the copy is not served meanwhile.
 * </ul>
 */
public class FastMmapRedisSessionRepository extends SessionRepositorySettings
        implements SessionRepository<FastMmapRedisSessionRepository.TierSession>, AutoCloseable {
    /** Sessions each JVM keeps decoded: the most requests of a busy host find theirs among them. */
    private static final int DECODED_COPIES = 10_000;
    private final RedisTierConfig config;
    private final SessionHashes hashes;
    private final HostCache cache;
    private final RedisSide redis;
    private final ClientResources resources;
    private final InvalidationListener listener;
    private final DecodedCopies decoded = new DecodedCopies(DECODED_COPIES);
    /** Test hook: runs between a save's Redis write and the drop of the host's copy. */
    volatile Runnable afterRedisWrite = () -> { };
    /** Test hook: runs between a read's HGETALL and the install of its copy. */
    volatile Runnable afterRedisRead = () -> { };

    /** @param config where Redis and the host's file are */
    public FastMmapRedisSessionRepository(RedisTierConfig config) {
        super(config.defaultMaxInactiveInterval());
        this.config = config;
        this.hashes = new SessionHashes(config.namespace(), config.serializer());
        FastMmap copies = config.cacheBuilder().build();
        this.cache = new HostCache(copies, ControlFile.open(HostCache.controlFileOf(config.file()),
                config.clock().millis()), config.clock(), config.heartbeatTimeout().toMillis());
        // Reconnect attempts at most half a second apart: requests fail fast while Redis is away and succeed again
        // within that half second of its return (Lettuce's default backs off to 30 s).
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(500), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.redis = new RedisSide(resources, config.redis(), config.commandTimeout());
        Duration tick = config.heartbeatTimeout().dividedBy(4);
        this.listener = new InvalidationListener(cache, hashes, resources, config.redis(),
                HostCache.listenerLockOf(config.file()), config.clock(), tick, config.commandTimeout());
    }

    /** @return true while this instance is its host's invalidation listener */
    public boolean isHostListener() {
        return listener.isLeader();
    }

    /** @return the name of this instance's invalidation connection in {@code CLIENT LIST} */
    public String listenerClientName() {
        return listener.clientName();
    }

    /** @return true while the host's copy may be served (the host's listener answered within the timeout) */
    public boolean isHostCopyTrusted() {
        return cache.listenerIsCurrent();
    }

    HostCache hostCache() {
        return cache;
    }

    @Override
    public TierSession createSession() {
        MapSession cached = new MapSession(sessionIdGenerator());
        cached.setMaxInactiveInterval(defaultMaxInactiveInterval());
        TierSession session = new TierSession(cached, true, Long.MIN_VALUE);
        session.flushIfRequired();
        return session;
    }

    @Override
    public void save(TierSession session) {
        session.save();
    }

    @Override
    public TierSession findById(String id) {
        HostCache.Fence fence = cache.fence(id);
        if (fence != null) {
            TierSession copied = fromCopy(id, fence);
            if (copied != null) {
                return copied;
            }
        }
        Map<String, byte[]> fields = redis.readHash(id, hashes.key(id));
        afterRedisRead.run();
        MapSession session = fields.isEmpty() ? null : hashes.toSession(id, fields, decoded.values(id));
        if (session == null || session.isExpired()) {
            if (session != null) {
                deleteById(id); // as RedisSessionRepository does
            }
            return null;
        }
        if (fence != null) {
            long copyExpiresAtMillis = copyExpiresAt(session);
            HostCache.Fence installed = cache.install(id, fence, fields, copyExpiresAtMillis);
            if (installed != null) {
                decoded.put(id, installed, copyExpiresAtMillis, fields);
            }
        }
        return new TierSession(session, false, session.getLastAccessedTime().toEpochMilli());
    }

    /** @return the session from this host's copy (this JVM's decoded one while the fence holds), or null */
    private TierSession fromCopy(String id, HostCache.Fence fence) {
        DecodedCopies.Entry entry = decoded.find(id, fence, config.clock().millis());
        if (entry == null) {
            HostCache.Copy copy = cache.lookup(id, fence);
            if (copy == null) {
                return null;
            }
            entry = decoded.put(id, fence, copy.expiresAtMillis(), copy.fields());
        }
        MapSession session = hashes.toSession(id, entry.fields(), entry.values());
        if (session == null || session.isExpired()) {
            return null;
        }
        return new TierSession(session, false, session.getLastAccessedTime().toEpochMilli());
    }

    /** The session's own expiry, capped by the copy's maximum age. */
    private long copyExpiresAt(MapSession session) {
        long cap = config.clock().millis() + config.maxCopyAge().toMillis();
        Duration maxInactive = session.getMaxInactiveInterval();
        if (maxInactive.isNegative()) {
            return cap;
        }
        return Math.min(cap, session.getLastAccessedTime().toEpochMilli() + maxInactive.toMillis());
    }

    @Override
    public void deleteById(String id) {
        decoded.remove(id);
        try {
            redis.delete(id, hashes.key(id));
        } finally {
            cache.invalidate(id);
        }
    }

    @Override
    public void close() {
        listener.close();
        redis.close();
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        cache.close();
    }

    /** A session in one request: what was loaded plus this request's changes, written as a delta. */
    public final class TierSession implements Session {
        private final MapSession cached;
        /** Hash fields to write (attribute values unserialized; null removes). */
        private final Map<String, Object> delta = new LinkedHashMap<>();
        private boolean isNew;
        private String originalId;
        /** lastAccessedTime as Redis has it; a save that changes nothing else writes it only when it is old. */
        private long storedLastAccessedMillis;

        TierSession(MapSession cached, boolean isNew, long storedLastAccessedMillis) {
            this.cached = cached;
            this.isNew = isNew;
            this.originalId = cached.getId();
            this.storedLastAccessedMillis = storedLastAccessedMillis;
            if (isNew) {
                delta.put(SessionHashes.CREATION_TIME, cached.getCreationTime().toEpochMilli());
                delta.put(SessionHashes.MAX_INACTIVE_INTERVAL, (int) cached.getMaxInactiveInterval().getSeconds());
            }
            if (isNew || saveMode() == SaveMode.ALWAYS) {
                cached.getAttributeNames().forEach(name -> delta.put(SessionHashes.ATTRIBUTE_PREFIX + name,
                        cached.getAttribute(name)));
            }
        }

        @Override
        public String getId() {
            return cached.getId();
        }

        @Override
        public String changeSessionId() {
            String newId = sessionIdGenerator().generate();
            cached.setId(newId);
            flushIfRequired();
            return newId;
        }

        @Override
        public <T> T getAttribute(String name) {
            T value = cached.getAttribute(name);
            if (value != null && saveMode() == SaveMode.ON_GET_ATTRIBUTE) {
                delta.put(SessionHashes.ATTRIBUTE_PREFIX + name, value);
            }
            return value;
        }

        @Override
        public Set<String> getAttributeNames() {
            return cached.getAttributeNames();
        }

        @Override
        public void setAttribute(String name, Object value) {
            cached.setAttribute(name, value);
            delta.put(SessionHashes.ATTRIBUTE_PREFIX + name, value);
            flushIfRequired();
        }

        @Override
        public void removeAttribute(String name) {
            setAttribute(name, null);
        }

        @Override
        public Instant getCreationTime() {
            return cached.getCreationTime();
        }

        @Override
        public void setLastAccessedTime(Instant time) {
            cached.setLastAccessedTime(time);
            flushIfRequired();
        }

        @Override
        public Instant getLastAccessedTime() {
            return cached.getLastAccessedTime();
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            cached.setMaxInactiveInterval(interval);
            delta.put(SessionHashes.MAX_INACTIVE_INTERVAL, (int) interval.getSeconds());
            flushIfRequired();
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return cached.getMaxInactiveInterval();
        }

        @Override
        public boolean isExpired() {
            return cached.isExpired();
        }

        void flushIfRequired() {
            if (flushMode() == FlushMode.IMMEDIATE) {
                save();
            }
        }

        private boolean touchDue() {
            long lastAccessed = cached.getLastAccessedTime().toEpochMilli();
            long interval = Math.min(config.touchInterval().toMillis(),
                    Math.max(0, cached.getMaxInactiveInterval().toMillis() / 10));
            return lastAccessed - storedLastAccessedMillis >= Math.max(interval, 1);
        }

        private void save() {
            boolean idChanged = !getId().equals(originalId);
            if (delta.isEmpty() && !idChanged && !touchDue()) {
                return; // nothing Redis needs to know: no round trip
            }
            long lastAccessed = cached.getLastAccessedTime().toEpochMilli();
            delta.put(SessionHashes.LAST_ACCESSED_TIME, lastAccessed);
            Map<String, byte[]> changes = new LinkedHashMap<>(delta.size() * 2);
            DecodedCopies.Values values = decoded.values(getId());
            delta.forEach((field, value) -> {
                byte[] bytes = hashes.serialize(value);
                changes.put(field, bytes);
                if (hashes.decodesToItself(value)) {
                    values.remember(field, bytes, value); // the next read of this field needs no deserialization
                }
            });
            Duration maxInactive = cached.getMaxInactiveInterval();
            long expireAt = maxInactive.isNegative() ? -1 : lastAccessed + maxInactive.getSeconds() * 1000;
            String sourceId = isNew ? getId() : originalId;
            boolean saved;
            try {
                saved = redis.save(getId(), hashes.key(getId()), hashes.key(sourceId), !isNew, expireAt, changes);
                afterRedisWrite.run();
            } finally {
                // The write (or its failure) may have changed Redis: this host's copy goes first, before the
                // request ends, so every instance on the host reads its own write.
                decoded.dropCopy(getId());
                cache.invalidate(getId());
                if (idChanged) {
                    decoded.remove(originalId);
                    cache.invalidate(originalId);
                }
            }
            if (!saved) {
                throw new IllegalStateException("Session was invalidated"); // RedisSessionRepository's words
            }
            delta.clear();
            isNew = false;
            originalId = getId();
            storedLastAccessedMillis = lastAccessed;
        }

        @Override
        public String toString() {
            return "TierSession[" + getId() + "]";
        }
    }
}
