package io.fastmmap.jetty;

import io.fastmmap.servlet.testkit.ServerNode;
import io.fastmmap.servlet.testkit.SessionServlet;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.NullSessionCacheFactory;
import org.eclipse.jetty.session.SessionDataStore;

/**
 * One Jetty server set up as docs/jetty.md tells users to: the factory and a NullSessionCacheFactory as server beans.
 * Also the main class of child JVMs ({@code JettyNode <file>|memory <workerName>}, see {@link ServerNode#serve}).
 */
final class JettyNode extends ServerNode {
    final Server server;
    final FastMmapSessionDataStoreFactory factory;
    final ServletContextHandler context;

    /** @param file the session file, or null for Jetty's default in-memory sessions */
    JettyNode(Path file, String workerName) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName(workerName);
        server.addBean(ids, true);
        if (file == null) {
            factory = null; // Jetty's defaults: sessions in this JVM's heap only (for comparisons)
        } else {
            factory = new FastMmapSessionDataStoreFactory();
            factory.setFile(file);
            factory.setCacheSize(4 << 20);
            factory.setPageSize(16 << 10);
            server.addBean(factory);
            NullSessionCacheFactory cache = new NullSessionCacheFactory();
            cache.setFlushOnResponseCommit(true); // saved before the browser sees the response, so its next
            server.addBean(cache);                // request, to whichever process, finds the changes
        }
        context = new ServletContextHandler("/app");
        context.setSessionHandler(new SessionHandler());
        context.addServlet(SessionServlet.class, "/s").setAsyncSupported(true);
        server.setHandler(context);
        server.start();
    }

    /** @return the context's store (the file's, or Jetty's null store for in-memory sessions) */
    SessionDataStore store() {
        return context.getSessionHandler().getSessionCache().getSessionDataStore();
    }

    @Override
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        serve(new JettyNode(fileArgument(args[0]), args[1]));
    }
}
