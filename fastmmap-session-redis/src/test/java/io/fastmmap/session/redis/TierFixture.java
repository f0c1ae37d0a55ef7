package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.process.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/** A real Redis per test, "hosts" (directories with their own copy file), instances on them, plain Spring nodes. */
abstract class TierFixture {
    @RegisterExtension
    static final ExternalTool REDIS = ExternalTool.REDIS;

    /** The default: a shared CI machine can delay a PING by a few hundred milliseconds. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;
    RedisServer redis;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        redis.close();
    }

    RedisTierConfig.Builder config(String host) {
        return RedisTierConfig.builder(redis.uri(), dir.resolve(host).resolve("sessions.fmm"))
                .heartbeatTimeout(HEARTBEAT_TIMEOUT).commandTimeout(COMMAND_TIMEOUT).cache(c -> c.cacheSize(4L << 20));
    }

    /** An instance on {@code host}, its host's copy trusted (some instance there listens) before it is returned. */
    FastMmapRedisSessionRepository instance(String host) {
        return instance(config(host).build());
    }

    FastMmapRedisSessionRepository instance(RedisTierConfig config) {
        FastMmapRedisSessionRepository repository = new FastMmapRedisSessionRepository(config);
        toClose.add(repository);
        awaitTrue("the host copy of " + config.file() + " is trusted", Duration.ofSeconds(10),
                repository::isHostCopyTrusted);
        return repository;
    }

    /** A plain Spring Session Data Redis node, configured as Boot configures it. */
    RedisSessionRepository plainSpringNode() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        factory.afterPropertiesSet();
        factory.start();
        toClose.add(factory::destroy);
        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setKeySerializer(new StringRedisSerializer());
        template.setHashKeySerializer(new StringRedisSerializer());
        template.setConnectionFactory(factory);
        template.afterPropertiesSet();
        return new RedisSessionRepository(template);
    }

    /** One request as SessionRepositoryFilter makes it: load, touch, count a visit, save. */
    static <S extends Session> int visit(SessionRepository<S> repository, String id) {
        S session = repository.findById(id);
        assertThat(session).as("session " + id + " on " + repository).isNotNull();
        session.setLastAccessedTime(Instant.now());
        Integer count = session.getAttribute("count");
        int next = (count == null ? 0 : count) + 1;
        session.setAttribute("count", next);
        repository.save(session);
        return next;
    }

    static <S extends Session> String newVisitor(SessionRepository<S> repository) {
        S session = repository.createSession();
        session.setAttribute("count", 1);
        repository.save(session);
        return session.getId();
    }

    static Integer countOf(SessionRepository<? extends Session> repository, String id) {
        Session session = repository.findById(id);
        return session == null ? null : session.getAttribute("count");
    }

    /**
     * Reads until the host serves the session from its copy: every write, this host's own included, comes back as
     * an invalidation that costs one more Redis read once it arrives (docs/scale-out.md).
     */
    void awaitCopied(SessionRepository<? extends Session> instance, String id) {
        awaitTrue("session " + id + " served from the host copy", Duration.ofSeconds(2), () -> {
            long reads = redis.calls("hgetall");
            instance.findById(id);
            return redis.calls("hgetall") == reads;
        });
    }

    static void awaitTrue(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
