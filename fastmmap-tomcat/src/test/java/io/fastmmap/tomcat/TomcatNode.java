package io.fastmmap.tomcat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/**
 * One embedded Tomcat set up as docs/tomcat.md tells users to ({@code manager.setFile}, {@code context.setManager}).
 * Also the main class of child JVMs ({@code TomcatNode <file> <baseDir>}): prints {@code port N jdk J}, then serves
 * until its input closes.
 */
final class TomcatNode implements AutoCloseable {
    final Tomcat tomcat;
    final Context context;
    final FastMmapSessionManager manager;

    TomcatNode(Path file, Path baseDir, Clock clock) throws Exception {
        Files.createDirectories(baseDir);
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        context = tomcat.addContext("/app", baseDir.toString());
        manager = new FastMmapSessionManager();
        manager.setFile(file.toString());
        manager.setCacheSize(4 << 20);
        manager.setPageSize(16 << 10);
        manager.setJavaAllowedClasses("io.fastmmap.tomcat.Events$Probe");
        if (clock != null) {
            manager.setClock(clock);
        }
        context.setManager(manager);
        context.addServletContainerInitializer((classes, servletContext) -> servletContext.addListener(new Events()),
                null);
        Tomcat.addServlet(context, "s", new TomcatSessionServlet());
        context.addServletMappingDecoded("/s", "s");
        tomcat.start();
    }

    int port() {
        return tomcat.getConnector().getLocalPort();
    }

    String url(String query) {
        return "http://127.0.0.1:" + port() + "/app/s?" + query;
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    public static void main(String[] args) throws Exception {
        try (TomcatNode node = new TomcatNode(Path.of(args[0]), Path.of(args[1]), null)) {
            System.out.println("port " + node.port() + " jdk " + Runtime.version().feature());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our input (or dies)
            }
        }
    }
}
