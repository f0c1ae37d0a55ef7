package io.fastmmap.jetty;

import io.fastmmap.servlet.testkit.Throughput;

/**
 * Requests per second with sessions in fastmmap (NullSessionCache, as docs/jetty.md sets up) against Jetty's default
 * in-memory sessions, same servlet: {@code [threads] [roundSeconds] [rounds]}. For a quiet machine
 * (fastmmap-servlet-testkit/run-throughput.sh).
 */
public final class JettyThroughputDriver {
    private JettyThroughputDriver() {
    }

    public static void main(String[] args) throws Exception {
        Throughput.drive("Jetty " + org.eclipse.jetty.util.Jetty.VERSION, args, (file, name) -> new JettyNode(file,
                name));
    }
}
