package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/scale-out.md, "On one host". */
class OneHostTest extends TierFixture {

    @Test
    void unchangedCurrentSessionIsServedWithoutRedisRead() {
        FastMmapRedisSessionRepository a1 = instance("A");
        FastMmapRedisSessionRepository a2 = instance("A");
        String id = newVisitor(a1);

        assertThat(countOf(a2, id)).isEqualTo(1);
        awaitCopied(a2, id);
        long reads = redis.calls("hgetall");
        long writes = redis.calls("evalsha") + redis.calls("eval");
        for (int i = 0; i < 20; i++) {
            FastMmapRedisSessionRepository instance = i % 2 == 0 ? a1 : a2;
            var session = instance.findById(id);
            session.setLastAccessedTime(java.time.Instant.now()); // a read-only request touches its session
            instance.save(session);
        }
        assertThat(redis.calls("hgetall")).as("Redis reads by 20 read-only requests").isEqualTo(reads);
        assertThat(redis.calls("evalsha") + redis.calls("eval")).as("Redis writes by 20 read-only requests")
                .isEqualTo(writes);
    }

    @Test
    void tierIsASessionRepositoryWithoutAPrincipalIndexAsRedisSessionRepositoryIs() {
        assertThat(instance("A")).as("the tier (docs/scale-out.md: no findByPrincipalName)")
                .isNotInstanceOf(org.springframework.session.FindByIndexNameSessionRepository.class);
        assertThat(plainSpringNode()).as("RedisSessionRepository, which the tier mirrors")
                .isNotInstanceOf(org.springframework.session.FindByIndexNameSessionRepository.class);
    }

    @Test
    void readYourWritesAcrossInstancesOfTheHost() {
        FastMmapRedisSessionRepository a1 = instance("A");
        FastMmapRedisSessionRepository a2 = instance("A");
        String id = newVisitor(a1);
        assertThat(countOf(a2, id)).isEqualTo(1);
        for (int expected = 2; expected < 40; expected++) {
            FastMmapRedisSessionRepository writer = expected % 2 == 0 ? a1 : a2;
            FastMmapRedisSessionRepository reader = expected % 2 == 0 ? a2 : a1;
            assertThat(visit(writer, id)).isEqualTo(expected);
            assertThat(countOf(reader, id)).as("read right after the other instance's save").isEqualTo(expected);
        }
    }

    @Test
    void saveIsOneRoundTrip() {
        FastMmapRedisSessionRepository a1 = instance("A");
        String id = newVisitor(a1);
        var session = a1.findById(id);
        redis.admin().configResetstat();
        session.setAttribute("count", 7);
        a1.save(session);
        // commandstats counts a script's own calls too: the one round trip is the EVALSHA, the rest ran inside it
        var commands = redis.admin().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_"))
                .map(l -> l.substring("cmdstat_".length(), l.indexOf(":calls=")) + "="
                        + l.substring(l.indexOf(":calls=") + 7, l.indexOf(',')))
                .toList();
        assertThat(commands).containsExactlyInAnyOrder("config|resetstat=1", "evalsha=1", "exists=1", "hset=1",
                "pexpireat=1");
    }

    @Test
    void touchIntervalZeroWritesTheLastAccessTimeOnEveryRequestAsSpringSessionDoes() {
        FastMmapRedisSessionRepository a = instance(config("A").touchInterval(java.time.Duration.ZERO).build());
        String id = newVisitor(a);
        long writes = redis.calls("evalsha") + redis.calls("eval");
        java.time.Instant last = null;
        for (int i = 0; i < 5; i++) {
            var session = a.findById(id);
            last = java.time.Instant.now().plusMillis(i + 1);
            session.setLastAccessedTime(last);
            a.save(session);
        }
        assertThat(redis.calls("evalsha") + redis.calls("eval") - writes).isEqualTo(5);
        assertThat(a.findById(id).getLastAccessedTime().toEpochMilli()).as("the last request's time, stored")
                .isEqualTo(last.toEpochMilli());
    }
}
