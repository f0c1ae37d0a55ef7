package io.fastmmap.servlet.testkit;

import java.nio.file.Path;

/**
 * One container serving {@link SessionServlet} at {@code /app/s} on 127.0.0.1: what a container module's node
 * (JettyNode, TomcatNode) shares. A node is also the main class of child JVMs ({@link #serve}).
 */
public abstract class ServerNode implements SharedSessionScenarios.Node {
    /** The argument that names no session file: the container's default in-memory sessions (for comparisons). */
    public static final String IN_MEMORY = "memory";

    /** @return the port the container listens on */
    public abstract int port();

    /** Stops the container. */
    protected abstract void stop() throws Exception;

    @Override
    public final String url(String query) {
        return url(port(), query);
    }

    /** @return the session servlet's URL with {@code query} on a node listening on {@code port} */
    public static String url(int port, String query) {
        return "http://127.0.0.1:" + port + "/app/s?" + query;
    }

    @Override
    public final void close() {
        try {
            stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping " + getClass().getSimpleName(), e);
        }
    }

    /** @return the session file a child JVM's first argument names, or null for {@link #IN_MEMORY} */
    public static Path fileArgument(String arg) {
        return IN_MEMORY.equals(arg) ? null : Path.of(arg);
    }

    /** A child JVM's main, once its node started: announce the port, serve until the parent closes our input. */
    public static void serve(ServerNode node) throws Exception {
        try (node) {
            ChildJvm.announce(node.port());
            ChildJvm.serveUntilInputCloses();
        }
    }
}
