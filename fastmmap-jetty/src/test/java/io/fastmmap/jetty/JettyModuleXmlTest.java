package io.fastmmap.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.servlet.testkit.Browser;
import io.fastmmap.servlet.testkit.SessionServlet;
import io.fastmmap.session.DefaultAttributeSerializer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionCacheFactory;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-ups of docs/jetty.md other than server beans: the standalone module's XML, read by Jetty's own
 * XmlConfiguration with the properties start.jar would pass, and one context configured by hand.
 */
class JettyModuleXmlTest {
    private static final Path MODULE = Path.of("src/main/jetty-base");

    @TempDir
    Path dir;

    @Test
    void theModuleXmlInstallsTheStoreForEveryContext() throws Exception {
        assertThat(Files.readString(MODULE.resolve("modules/session-store-fastmmap.mod")))
                .contains("etc/sessions/fastmmap/session-store.xml", "[provides]\nsession-store", "lib/fastmmap/*.jar");
        Path file = dir.resolve("sessions/fastmmap.sessions");
        Server server = new Server();
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(
                MODULE.resolve("etc/sessions/fastmmap/session-store.xml")));
        xml.getIdMap().put("Server", server);
        xml.getProperties().put("jetty.session.fastmmap.file", file.toString());
        xml.getProperties().put("jetty.session.fastmmap.pageSize", "16384");
        xml.getProperties().put("jetty.session.fastmmap.javaAllowedClasses", "com.example.**, java.util.*");
        xml.configure();

        FastMmapSessionDataStoreFactory factory = server.getBean(FastMmapSessionDataStoreFactory.class);
        assertThat(factory.getFile()).isEqualTo(file);
        assertThat(factory.getCacheSize()).isEqualTo(16L << 20);
        assertThat(factory.getPageSize()).isEqualTo(16384);
        assertThat(factory.getGracePeriodSec()).isEqualTo(3600);
        assertThat(((DefaultAttributeSerializer) factory.getSerializer()).javaSerializationEnabled()).isTrue();

        server.addBean(new NullSessionCacheFactory());
        ServletContextHandler context = new ServletContextHandler("/app");
        context.setSessionHandler(new SessionHandler());
        assertSessionsWork(server, context);
        assertThat(file).exists();
    }

    @Test
    void oneContextSetUpByHand() throws Exception {
        FastMmapSessionDataStoreFactory sessions = new FastMmapSessionDataStoreFactory();
        sessions.setFile(dir.resolve("by-hand.fmm"));
        Server server = new Server();
        ServletContextHandler context = new ServletContextHandler("/app");
        SessionHandler sessionHandler = new SessionHandler();
        NullSessionCache cache = new NullSessionCache(sessionHandler);
        cache.setFlushOnResponseCommit(true);
        cache.setSessionDataStore(sessions.getSessionDataStore(sessionHandler));
        sessionHandler.setSessionCache(cache);
        context.setSessionHandler(sessionHandler);
        assertSessionsWork(server, context);
        assertThat(dir.resolve("by-hand.fmm")).exists();
    }

    /** Serves the session servlet from {@code context} and checks that a session lives across two requests. */
    private static void assertSessionsWork(Server server, ServletContextHandler context) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        context.addServlet(SessionServlet.class, "/s");
        server.setHandler(context);
        server.start();
        try {
            String url = "http://127.0.0.1:" + connector.getLocalPort() + "/app/s?op=incr&name=n";
            Browser browser = new Browser();
            assertThat(browser.body(url)).isEqualTo("1");
            assertThat(browser.body(url)).isEqualTo("2");
            assertThat(context.getSessionHandler().getSessionCache().getSessionDataStore())
                    .isInstanceOf(FastMmapSessionDataStore.class);
        } finally {
            server.stop();
        }
    }
}
