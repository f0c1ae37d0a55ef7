package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** docs/scale-out.md, "Never served once Redis no longer has it" and "Redis unreachable". */
class FaultTest extends TierFixture {

    private long listenerClientId(FastMmapRedisSessionRepository instance) {
        for (String line : redis.admin().clientList().split("\n")) {
            if (line.contains(" name=" + instance.listenerClientName() + " ")) {
                assertThat(line).as("tracking flag of the listener").containsPattern(" flags=[A-Za-z]*t");
                return Long.parseLong(line.substring(3, line.indexOf(' ')));
            }
        }
        return -1;
    }

    @Test
    void killedListenerConnectionDropsTheCopyAndTrackingComesBack() {
        FastMmapRedisSessionRepository a = instance("A");
        FastMmapRedisSessionRepository b = instance("B");
        String id = newVisitor(a);
        assertThat(countOf(b, id)).isEqualTo(1);
        long before = listenerClientId(b);
        assertThat(before).isPositive();

        long epoch = b.hostCache().control().epoch();
        redis.admin().clientKill(io.lettuce.core.KillArgs.Builder.id(before));
        awaitTrue("B drops its copy (epoch bump) once its listener's connection is gone", HEARTBEAT_TIMEOUT,
                () -> b.hostCache().control().epoch() != epoch);
        visit(a, id); // a write B's listener may not be told about
        assertThat(countOf(b, id)).as("B reads Redis, not its copy").isEqualTo(2);

        awaitTrue("B's listener reconnects with tracking on", Duration.ofSeconds(5),
                () -> b.isHostCopyTrusted() && listenerClientId(b) > 0);
        assertThat(listenerClientId(b)).isNotEqualTo(before);
        assertThat(countOf(b, id)).isEqualTo(2); // copied again under the new epoch
        awaitCopied(b, id);
        long reads = redis.calls("hgetall");
        assertThat(countOf(b, id)).isEqualTo(2);
        assertThat(redis.calls("hgetall")).as("served from B's copy again").isEqualTo(reads);
        visit(a, id);
        awaitTrue("invalidations reach B again", HEARTBEAT_TIMEOUT, () -> Integer.valueOf(3).equals(countOf(b, id)));
    }

    @Test
    void flushAllEmptiesEveryHostsCopy() {
        FastMmapRedisSessionRepository a = instance("A");
        FastMmapRedisSessionRepository b = instance("B");
        String id = newVisitor(a);
        assertThat(countOf(a, id)).isEqualTo(1);
        assertThat(countOf(b, id)).isEqualTo(1);
        redis.admin().flushall();
        awaitTrue("A drops its copy after FLUSHALL", HEARTBEAT_TIMEOUT, () -> countOf(a, id) == null);
        awaitTrue("B drops its copy after FLUSHALL", HEARTBEAT_TIMEOUT, () -> countOf(b, id) == null);
    }

    @Test
    void redisRestartedEmptyStartsTheCountAgainOnEveryHost() throws Exception {
        FastMmapRedisSessionRepository a = instance("A");
        FastMmapRedisSessionRepository b = instance("B");
        String id = newVisitor(a);
        visit(b, id);
        assertThat(countOf(a, id)).isEqualTo(2);
        assertThat(countOf(b, id)).isEqualTo(2);

        redis.stop();
        awaitTrue("A stops trusting its copy when Redis is gone", HEARTBEAT_TIMEOUT, () -> !a.isHostCopyTrusted());
        awaitTrue("B stops trusting its copy when Redis is gone", HEARTBEAT_TIMEOUT, () -> !b.isHostCopyTrusted());
        redis.startProcess(); // same port, empty
        awaitTrue("listeners reconnect", Duration.ofSeconds(5), () -> a.isHostCopyTrusted() && b.isHostCopyTrusted());
        awaitTrue("A answers again: nothing served from its file", RECOVERY, () -> answers(a, id) == null);
        awaitTrue("B answers again: nothing served from its file", RECOVERY, () -> answers(b, id) == null);
        String again = newVisitor(b);
        assertThat(visit(a, again)).isEqualTo(2);
    }

    @Test
    void redisPausedFailsFastWithoutStaleServeAndRecoversByItself() throws Exception {
        FastMmapRedisSessionRepository a = instance("A");
        FastMmapRedisSessionRepository b = instance("B");
        String id = newVisitor(a);
        assertThat(countOf(b, id)).isEqualTo(1);

        redis.signal("STOP");
        try {
            awaitTrue("B's heartbeat goes stale", HEARTBEAT_TIMEOUT.multipliedBy(3), () -> !b.isHostCopyTrusted());
            long start = System.nanoTime();
            assertThatThrownBy(() -> b.findById(id)).isInstanceOf(RedisTierUnavailableException.class)
                    .hasMessageContaining("Redis at redis://127.0.0.1:" + redis.port())
                    .hasMessageContaining("session " + id);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMillis).as("bounded by the command timeout")
                    .isLessThan(COMMAND_TIMEOUT.toMillis() + 1000);
        } finally {
            redis.signal("CONT");
        }
        awaitTrue("B recovers by itself", Duration.ofSeconds(5), b::isHostCopyTrusted);
        assertThat(visit(b, id)).isEqualTo(2);
        awaitTrue("A sees B's write", HEARTBEAT_TIMEOUT, () -> Integer.valueOf(2).equals(countOf(a, id)));
    }

    @Test
    void redisDownFailsFastAndRecoversByItself() throws Exception {
        FastMmapRedisSessionRepository a = instance("A");
        String id = newVisitor(a);
        redis.stop();
        awaitTrue("A stops trusting its copy", HEARTBEAT_TIMEOUT, () -> !a.isHostCopyTrusted());
        long start = System.nanoTime();
        assertThatThrownBy(() -> a.findById(id)).isInstanceOf(RedisTierUnavailableException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(COMMAND_TIMEOUT.toMillis() + 1000);
        redis.startProcess();
        awaitTrue("A reconnects", Duration.ofSeconds(5), a::isHostCopyTrusted);
        awaitTrue("A reads again (the session is gone: Redis restarted empty)", RECOVERY,
                () -> answers(a, id) == null);
    }

    /** Lettuce reconnects at most 0.5 s apart; until then requests fail fast. */
    private static final Duration RECOVERY = Duration.ofSeconds(3);

    /** @return the count, null when absent, or -1 while Redis is still unreachable (failing fast) */
    private static Integer answers(FastMmapRedisSessionRepository instance, String id) {
        try {
            return countOf(instance, id);
        } catch (RedisTierUnavailableException stillReconnecting) {
            return -1;
        }
    }

    /**
     * A reader's Redis read returns the old hash, then another host writes and the invalidation is applied, then
     * the reader tries to install what it read: the fence refuses it, so the host never serves the older hash.
     */
    @Test
    void invalidationThatRacesARedisReadWins() throws Exception {
        FastMmapRedisSessionRepository a1 = instance("A");
        FastMmapRedisSessionRepository a2 = instance("A");
        FastMmapRedisSessionRepository b = instance("B");
        String id = newVisitor(b);
        try (PausedRead slowReader = new PausedRead(a2, id)) {
            visit(b, id); // count 2, acknowledged after a2 read count 1
            awaitTrue("A's listener applied B's invalidation", HEARTBEAT_TIMEOUT,
                    () -> !Integer.valueOf(1).equals(countOf(a1, id)));
            assertThat(slowReader.finish()).isEqualTo(1); // that request began before the write
            for (int i = 0; i < 5; i++) {
                assertThat(countOf(a1, id)).as("host A never serves the older hash").isEqualTo(2);
                assertThat(countOf(a2, id)).isEqualTo(2);
            }
        }
    }

    /** The same race on one host: the write is this host's own, so its save must win before it returns. */
    @Test
    void ownWriteThatRacesASlowerReaderOnTheHostWins() throws Exception {
        FastMmapRedisSessionRepository a1 = instance("A");
        FastMmapRedisSessionRepository a2 = instance("A");
        String id = newVisitor(a1);
        try (PausedRead slowReader = new PausedRead(a2, id)) {
            assertThat(visit(a1, id)).isEqualTo(2);
            assertThat(slowReader.finish()).isEqualTo(1);
            assertThat(countOf(a1, id)).as("read-your-writes despite the slower reader's install").isEqualTo(2);
            assertThat(countOf(a2, id)).isEqualTo(2);
        }
    }

    /** A request on {@code instance} paused between its Redis read and the install of its copy, until finished. */
    private static final class PausedRead implements AutoCloseable {
        private final CountDownLatch read = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService pool = Executors.newSingleThreadExecutor();
        private final Future<Integer> count;

        PausedRead(FastMmapRedisSessionRepository instance, String id) throws InterruptedException {
            instance.afterRedisRead = () -> {
                read.countDown();
                await(release);
            };
            count = pool.submit(() -> countOf(instance, id));
            assertThat(read.await(10, TimeUnit.SECONDS)).as("the paused request read Redis").isTrue();
            instance.afterRedisRead = () -> { }; // later requests on the instance run through
        }

        Integer finish() throws Exception {
            release.countDown();
            return count.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void sessionExpiredInRedisIsNeverServed() {
        FastMmapRedisSessionRepository a = instance("A");
        FastMmapRedisSessionRepository b = instance("B");
        var session = a.createSession();
        session.setMaxInactiveInterval(Duration.ofSeconds(1));
        session.setAttribute("count", 1);
        a.save(session);
        String id = session.getId();
        assertThat(countOf(b, id)).isEqualTo(1);
        awaitCopied(b, id);
        long reads = redis.calls("hgetall");
        assertThat(countOf(b, id)).isEqualTo(1);
        assertThat(redis.calls("hgetall")).isEqualTo(reads);
        awaitTrue("Redis expired the key", Duration.ofSeconds(5),
                () -> redis.admin().exists("spring:session:sessions:" + id) == 0);
        assertThat(countOf(b, id)).isNull();
        assertThat(countOf(a, id)).isNull();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
