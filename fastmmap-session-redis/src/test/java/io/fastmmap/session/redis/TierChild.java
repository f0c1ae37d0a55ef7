package io.fastmmap.session.redis;

import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Another instance of the application on a host, in its own JVM: {@code listen <port> <file>} opens the tier (and
 * becomes the host's listener when it is first) and waits; {@code visit <port> <file> <id>} counts visits to a
 * session in a loop, as fast as it can, until killed; {@code serve <port> <file>} answers lines on stdin,
 * {@code count <id>} and {@code visit <id>}, with the count (or {@code null}) on stdout, one line each.
 */
public final class TierChild {
    public static void main(String[] args) throws Exception {
        RedisTierConfig config = RedisTierConfig.builder(RedisURI.create("redis://127.0.0.1:" + args[1]),
                Path.of(args[2])).heartbeatTimeout(TierFixture.HEARTBEAT_TIMEOUT)
                .commandTimeout(TierFixture.COMMAND_TIMEOUT).cache(c -> c.cacheSize(4L << 20)).build();
        try (FastMmapRedisSessionRepository tier = new FastMmapRedisSessionRepository(config)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!tier.isHostCopyTrusted() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            System.out.println("READY leader=" + tier.isHostListener());
            System.out.flush();
            if (args[0].equals("serve")) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] command = line.split(" ");
                    Object answer = command[0].equals("visit") ? TierFixture.visit(tier, command[1])
                            : TierFixture.countOf(tier, command[1]);
                    System.out.println(answer);
                    System.out.flush();
                }
                return;
            }
            if (args[0].equals("visit")) {
                while (true) {
                    var session = tier.findById(args[3]);
                    session.setLastAccessedTime(Instant.now());
                    Integer count = session.getAttribute("count");
                    session.setAttribute("count", count + 1);
                    session.setAttribute("mirror", count + 1); // the two are written in one script: never apart
                    tier.save(session);
                }
            }
            Thread.sleep(Duration.ofMinutes(2).toMillis()); // the test kills it long before
        }
    }
}
