package io.fastmmap.examples.jetty;

import io.fastmmap.examples.servlet.VisitServlet;
import io.fastmmap.jetty.FastMmapSessionDataStoreFactory;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.NullSessionCacheFactory;

/**
 * One instance of the demo: {@code java -jar fastmmap-jetty-demo.jar INSTANCE PORT FILE}. Start two with different
 * names and ports on the same file: a visitor's session, and so its visit count, is the same on both. The set-up is
 * docs/jetty.md's "Embedded Jetty", line for line.
 */
public final class JettyDemo {
    private JettyDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[1].matches("\\d{1,5}")) {
            System.err.println("usage: java -jar fastmmap-jetty-demo.jar INSTANCE PORT SESSION_FILE"
                    + "   (e.g. A 8083 /tmp/demo.sessions; INSTANCE of letters and digits)");
            System.exit(2);
        }
        String instance = args[0];
        Server server = new Server(Integer.parseInt(args[1]));

        FastMmapSessionDataStoreFactory sessions = new FastMmapSessionDataStoreFactory();
        sessions.setFile(Path.of(args[2])); // the same file in every process
        server.addBean(sessions);

        NullSessionCacheFactory cache = new NullSessionCacheFactory(); // read the file on every request
        cache.setFlushOnResponseCommit(true);                          // save before the response leaves
        server.addBean(cache);

        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName(instance); // a different name in each process
        server.addBean(ids, true);

        ServletContextHandler context = new ServletContextHandler("/");
        context.setSessionHandler(new SessionHandler());
        context.addServlet(new VisitServlet("Jetty instance " + instance), "/*");
        server.setHandler(context);
        server.start();
        System.out.println("instance " + instance + " serving http://localhost:" + args[1] + "/ with sessions in "
                + args[2]);
        server.join();
    }
}
