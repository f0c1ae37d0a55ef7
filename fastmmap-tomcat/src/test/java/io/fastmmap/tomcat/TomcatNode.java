package io.fastmmap.tomcat;

import io.fastmmap.servlet.testkit.ServerNode;
import io.fastmmap.servlet.testkit.SessionEvents;
import io.fastmmap.servlet.testkit.SessionServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;

/**
 * One embedded Tomcat set up as docs/tomcat.md tells users to ({@code manager.setFile}, {@code context.setManager}).
 * Also the main class of child JVMs ({@code TomcatNode <file>|memory <baseDir>}, see {@link ServerNode#serve}).
 */
final class TomcatNode extends ServerNode {
    final Tomcat tomcat;
    final Context context;
    final FastMmapSessionManager manager;

    /** @param file the session file, or null for Tomcat's default in-memory sessions */
    TomcatNode(Path file, Path baseDir, Clock clock) throws Exception {
        this(file, baseDir, clock, context -> { });
    }

    /** @param setUp more set-up of the context before Tomcat starts (security, servlets) */
    TomcatNode(Path file, Path baseDir, Clock clock, Consumer<Context> setUp) throws Exception {
        Files.createDirectories(baseDir);
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        context = tomcat.addContext("/app", baseDir.toString());
        if (file == null) {
            manager = null; // Tomcat's StandardManager: sessions in this JVM's heap only (for comparisons)
            StandardManager standard = new StandardManager();
            standard.setPathname(null);
            context.setManager(standard);
        } else {
            manager = new FastMmapSessionManager();
            manager.setFile(file.toString());
            manager.setCacheSize(4 << 20);
            manager.setPageSize(16 << 10);
            manager.setJavaAllowedClasses("io.fastmmap.servlet.testkit.SessionEvents$Probe");
            if (clock != null) {
                manager.setClock(clock);
            }
            context.setManager(manager);
        }
        context.addServletContainerInitializer((classes, servletContext) -> servletContext.addListener(
                new SessionEvents()), null);
        Tomcat.addServlet(context, "s", new SessionServlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/s", "s");
        setUp.accept(context);
        tomcat.start();
    }

    @Override
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    protected void stop() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    public static void main(String[] args) throws Exception {
        serve(new TomcatNode(fileArgument(args[0]), Path.of(args[1]), null));
    }
}
