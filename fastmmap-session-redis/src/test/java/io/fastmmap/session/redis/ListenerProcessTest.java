package io.fastmmap.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/scale-out.md, "One listener per host": the host's listener in another JVM, frozen and killed. */
class ListenerProcessTest extends TierFixture {
    private Process child;
    private BufferedReader childOut;

    @AfterEach
    void killChild() throws Exception {
        if (child != null && child.isAlive()) {
            RedisServer.signal(child.pid(), "CONT");
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startChild(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[5 + args.length];
        command[0] = java;
        command[1] = "-Xmx64m";
        command[2] = "-cp";
        command[3] = System.getProperty("java.class.path");
        command[4] = TierChild.class.getName();
        System.arraycopy(args, 0, command, 5, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY")) {
            assertThat(System.nanoTime()).as("child ready").isLessThan(deadline);
        }
        assertThat(line).as("child output").isNotNull();
        if (args[0].equals("serve")) {
            childOut = out;
            return p;
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (java.io.IOException ignored) {
                // the child was killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    @Test
    void frozenListenerMakesTheHostBypassItsCopyAndDeadListenerIsReplaced() throws Exception {
        Path fileA = config("A").build().file();
        child = startChild("listen", Integer.toString(redis.port()), fileA.toString());
        FastMmapRedisSessionRepository a = instance("A");
        assertThat(a.isHostListener()).as("the child JVM listens for host A").isFalse();
        FastMmapRedisSessionRepository b = instance("B");
        String id = newVisitor(b);
        assertThat(countOf(a, id)).isEqualTo(1);
        awaitCopied(a, id);

        RedisServer.signal(child.pid(), "STOP"); // a long GC pause, say
        awaitTrue("A stops trusting its copy when its listener freezes", HEARTBEAT_TIMEOUT.multipliedBy(2),
                () -> !a.isHostCopyTrusted());
        visit(b, id); // A's frozen listener cannot apply this
        long reads = redis.calls("hgetall");
        assertThat(countOf(a, id)).as("read from Redis, not the copy").isEqualTo(2);
        assertThat(redis.calls("hgetall")).isEqualTo(reads + 1);

        RedisServer.signal(child.pid(), "CONT");
        awaitTrue("A trusts its copy again", Duration.ofSeconds(5), a::isHostCopyTrusted);
        awaitTrue("A serves B's write", HEARTBEAT_TIMEOUT, () -> Integer.valueOf(2).equals(countOf(a, id)));

        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
        awaitTrue("A takes over the listener lock", Duration.ofSeconds(5), a::isHostListener);
        awaitTrue("A trusts its copy under its own listener", Duration.ofSeconds(5), a::isHostCopyTrusted);
        visit(b, id);
        awaitTrue("invalidations reach A through its own listener", HEARTBEAT_TIMEOUT,
                () -> Integer.valueOf(3).equals(countOf(a, id)));
    }

    @Test
    void instanceKilledMidRequestLeavesTheSessionWhole() throws Exception {
        FastMmapRedisSessionRepository a = instance("A");
        String id = newVisitor(a);
        var s = a.findById(id);
        s.setAttribute("mirror", 1);
        a.save(s);
        Path fileA = config("A").build().file();
        child = startChild("visit", Integer.toString(redis.port()), fileA.toString(), id);
        // a bound on the child JVM's start and first requests, which take over 10 s on a machine at load 25
        awaitTrue("the child counts", Duration.ofSeconds(30), () -> {
            Integer count = countOf(a, id);
            return count != null && count > 50;
        });
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9, most likely inside a request
        var session = a.findById(id);
        Integer count = session.getAttribute("count");
        assertThat((Integer) session.getAttribute("mirror")).as("both fields of the last save, or neither")
                .isEqualTo(count);
        assertThat(visit(a, id)).isEqualTo(count + 1);
        awaitCopied(a, id); // the host serves it from its copy again
    }

    /** One request to the child JVM, which is host B; its answer. */
    private String ask(String command) throws Exception {
        child.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        child.getOutputStream().flush();
        String answer = childOut.readLine();
        assertThat(answer).as("the child's answer to " + command).isNotNull();
        return answer;
    }

    /** The round of CrossHostTest with host B a separate process group (its own JVM, file and listener). */
    @Test
    void oneVisitorGoesRoundHostsInSeparateProcesses() throws Exception {
        FastMmapRedisSessionRepository a1 = instance("A");
        FastMmapRedisSessionRepository a2 = instance("A");
        var plain = plainSpringNode();
        child = startChild("serve", Integer.toString(redis.port()), config("B").build().file().toString());
        String id = newVisitor(plain);
        int expected = 1;
        for (int lap = 0; lap < 3; lap++) {
            for (String node : new String[] {"a1", "B", "plain", "a2", "B"}) {
                int previous = expected++;
                if (node.equals("B")) {
                    long deadline = System.nanoTime() + HEARTBEAT_TIMEOUT.toNanos();
                    while (!ask("count " + id).equals(Integer.toString(previous))) {
                        assertThat(System.nanoTime()).as("B serves count " + previous).isLessThan(deadline);
                    }
                    assertThat(ask("visit " + id)).isEqualTo(Integer.toString(expected));
                } else {
                    var repository = node.equals("a1") ? a1 : node.equals("a2") ? a2 : plain;
                    awaitTrue(node + " serves count " + previous, HEARTBEAT_TIMEOUT,
                            () -> Integer.valueOf(previous).equals(countOf(repository, id)));
                    assertThat(visit(repository, id)).isEqualTo(expected);
                }
            }
        }
        assertThat(countOf(plain, id)).isEqualTo(expected);
    }
}
