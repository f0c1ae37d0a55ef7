package io.fastmmap.session.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps this host's copy correct: every instance on the host runs one, and the one holding the host's listener lock
 * (an fcntl lock, released by the kernel when its process dies) holds a RESP3 connection to Redis with
 * {@code CLIENT TRACKING ON BCAST PREFIX <namespace>:sessions:}. Redis then pushes the key of every change under
 * that prefix (writes by any client, expiry, deletion; null on FLUSHALL), and the listener drops the host's copy.
 *
 * <p>It PINGs every tick and records the send time of each answered PING as the heartbeat: the invalidations Redis
 * produced before it answered were pushed earlier on the same connection and applied when the answer arrives, so a
 * reader that sees a heartbeat younger than the timeout knows the copy missed no change older than that timeout.
 * A disconnect bumps the epoch and clears the heartbeat at once; each (re)connect bumps the epoch again after
 * tracking is on, so a copy read before tracking resumed is never served. If the listener's process freezes, the
 * heartbeat ages and every reader on the host bypasses the copy; if it dies, another instance takes the lock within
 * a tick.
 */
final class InvalidationListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InvalidationListener.class.getName());
    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final Map<Path, InvalidationListener> JVM_CONTENDERS = new ConcurrentHashMap<>();

    private final HostCache cache;
    private final SessionHashes hashes;
    private final RedisClient client;
    private final Path lockFile;
    private final Path lockKey;
    private final Clock clock;
    private final String clientName;
    private final ScheduledExecutorService ticker;
    private final AtomicBoolean pingInFlight = new AtomicBoolean();
    private FileChannel lockChannel;
    private FileLock lock;
    private volatile StatefulRedisConnection<String, String> connection;
    private String runId;
    private boolean outageLogged;
    private volatile boolean closed;

    InvalidationListener(HostCache cache, SessionHashes hashes, ClientResources resources, RedisURI uri, Path lockFile,
            Clock clock, Duration tick, Duration timeout) {
        this.cache = cache;
        this.hashes = hashes;
        this.lockFile = lockFile;
        this.lockKey = lockFile.toAbsolutePath().normalize();
        this.clock = clock;
        this.clientName = "fmm-inval-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        this.client = RedisClient.create(resources, RedisURI.builder(uri).withTimeout(timeout).build());
        // Reconnecting is this class's job: tracking must be turned on again and the epoch bumped first.
        this.client.setOptions(ClientOptions.builder().autoReconnect(false).protocolVersion(ProtocolVersion.RESP3)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build()).build());
        this.client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> disconnected) {
                if (disconnected == connection) {
                    lost("the connection closed");
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connected, SocketAddress address) {
            }

            @Override
            public void onRedisExceptionCaught(RedisChannelHandler<?, ?> handler, Throwable cause) {
            }
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fastmmap-redis-listener");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return true while this instance is the host's listener */
    boolean isLeader() {
        return lock != null;
    }

    /** The name this listener's connection has in {@code CLIENT LIST}. */
    String clientName() {
        return clientName;
    }

    private void tick() {
        try {
            if (closed || !lead()) {
                return;
            }
            StatefulRedisConnection<String, String> c = connection;
            if (c == null) {
                connect();
            } else if (!c.isOpen()) {
                lost("the connection is no longer open");
            } else {
                ping(c);
            }
        } catch (RuntimeException e) {
            if (!outageLogged) {
                outageLogged = true;
                LOG.log(System.Logger.Level.WARNING, "fastmmap Redis tier: cannot listen for invalidations (" + e
                        + "); every instance on this host reads sessions from Redis until the listener reconnects");
            }
        }
    }

    /**
     * One contender per JVM opens the lock file, as FileChannel's documentation asks ("on some systems, closing a
     * channel releases all locks held by the Java virtual machine on the underlying file"): a second instance in
     * the listener's JVM never opens, and so never closes, a channel of its own.
     */
    private boolean lead() {
        if (lock != null) {
            return true;
        }
        InvalidationListener contender = JVM_CONTENDERS.putIfAbsent(lockKey, this);
        if (contender != null && contender != this) {
            return false; // another instance in this JVM leads or is trying
        }
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
            LOG.log(System.Logger.Level.WARNING, lockFile + ": cannot take the listener lock: " + e);
        }
        if (lock == null) { // another process leads: let this JVM's other instances try too
            closeLockChannel();
            JVM_CONTENDERS.remove(lockKey, this);
        }
        return lock != null;
    }

    private void closeLockChannel() {
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock: another instance on the host takes over
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, lockFile + ": closing the listener lock failed: " + e);
        }
        lockChannel = null;
    }

    private void connect() {
        StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
        try {
            c.addListener(this::onPush);
            c.sync().clientSetname(clientName);
            c.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(hashes.keyPrefix()));
            String newRunId = runIdOf(c.sync().info("server"));
            if (runId != null && !runId.equals(newRunId)) {
                LOG.log(System.Logger.Level.INFO, "fastmmap Redis tier: Redis restarted or failed over (run_id "
                        + runId + " -> " + newRunId + "); this host's copy was dropped");
            }
            runId = newRunId;
            connection = c;
            cache.invalidateAll(); // copies read before tracking was on may have missed changes
            outageLogged = false;
            ping(c);
        } catch (RuntimeException e) {
            c.closeAsync();
            throw e;
        }
    }

    private void ping(StatefulRedisConnection<String, String> c) {
        if (!pingInFlight.compareAndSet(false, true)) {
            return; // Redis (or this process) is stalled: the heartbeat ages, readers bypass the copy
        }
        long sentAtMillis = clock.millis();
        c.async().ping().whenComplete((pong, failure) -> {
            pingInFlight.set(false);
            if (failure == null && c == connection) {
                cache.control().heartbeat(sentAtMillis);
            }
        });
    }

    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent();
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (!(keys instanceof List<?> list)) {
            cache.invalidateAll(); // FLUSHALL / FLUSHDB
            return;
        }
        for (Object key : list) {
            String id = hashes.idOfKey(text(key));
            if (id != null) {
                cache.invalidate(id);
            }
        }
    }

    private static String text(Object key) {
        if (key instanceof ByteBuffer buffer) {
            return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        if (key instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return String.valueOf(key);
    }

    private void lost(String why) {
        StatefulRedisConnection<String, String> c = connection;
        connection = null;
        cache.control().clearHeartbeat();
        cache.invalidateAll();
        pingInFlight.set(false);
        if (c != null) {
            c.closeAsync();
            LOG.log(System.Logger.Level.WARNING, "fastmmap Redis tier: invalidation connection lost (" + why
                    + "); this host's copy was dropped; reconnecting");
        }
    }

    private static String runIdOf(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        return "";
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StatefulRedisConnection<String, String> c = connection;
        connection = null;
        if (lock != null) {
            cache.control().clearHeartbeat(); // the next listener starts from a bumped epoch
        }
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        closeLockChannel();
        lock = null;
        JVM_CONTENDERS.remove(lockKey, this);
    }
}
