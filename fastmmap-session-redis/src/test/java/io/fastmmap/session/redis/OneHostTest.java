package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;

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
    void currentSessionIsNotDecodedAgainButMutableValuesAreNotShared() {
        AtomicInteger decodes = new AtomicInteger();
        JdkSerializationRedisSerializer jdk = new JdkSerializationRedisSerializer();
        RedisSerializer<Object> counting = new RedisSerializer<>() {
            @Override
            public byte[] serialize(Object value) {
                return jdk.serialize(value);
            }

            @Override
            public Object deserialize(byte[] bytes) {
                decodes.incrementAndGet();
                return jdk.deserialize(bytes);
            }
        };
        FastMmapRedisSessionRepository a1 = instance(config("A").serializer(counting).build());
        FastMmapRedisSessionRepository a2 = instance(config("A").serializer(counting).build());
        var created = a1.createSession();
        created.setAttribute("count", 1);
        created.setAttribute("cart", new ArrayList<>(List.of("apple")));
        a1.save(created);
        String id = created.getId();
        awaitCopied(a2, id);
        decodes.set(0);
        for (int i = 0; i < 20; i++) {
            var session = a2.findById(id);
            assertThat(session.<Integer>getAttribute("count")).isEqualTo(1);
            List<String> cart = session.getAttribute("cart");
            assertThat(cart).as("request " + i + " sees no other request's in-place change").containsExactly("apple");
            cart.add("changed in place, never set"); // not saved, as with Spring Session Redis
        }
        assertThat(decodes.get()).as("values deserialized by 20 requests: the list only, every time").isEqualTo(20);
        assertThat(visit(a1, id)).as("a save moves the fence: the next request reads the new state").isEqualTo(2);
        assertThat(countOf(a2, id)).isEqualTo(2);
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
                .filter(c -> !c.startsWith("ping=")) // the listener's heartbeat, not the save's
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
