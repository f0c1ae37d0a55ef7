package io.fastmmap.examples.tomcat;

import io.fastmmap.examples.servlet.VisitServlet;
import io.fastmmap.tomcat.FastMmapSessionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * One instance of the demo: {@code java -jar fastmmap-tomcat-demo.jar INSTANCE PORT FILE}. Start two with different
 * names and ports on the same file: a visitor's session, and so its visit count, is the same on both. The set-up is
 * docs/tomcat.md's "Embedded Tomcat", line for line.
 */
public final class TomcatDemo {
    private TomcatDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[1].matches("\\d{1,5}")) {
            System.err.println("usage: java -jar fastmmap-tomcat-demo.jar INSTANCE PORT SESSION_FILE"
                    + "   (e.g. A 8085 /tmp/demo.sessions)");
            System.exit(2);
        }
        String instance = args[0];
        Tomcat tomcat = new Tomcat();
        // Tomcat's work files: one directory per instance and port, reused by the next run rather than piling up
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "fastmmap-tomcat-demo-" + instance + "-" + args[1]);
        tomcat.setBaseDir(Files.createDirectories(work).toString());
        tomcat.setPort(Integer.parseInt(args[1]));
        tomcat.getConnector(); // creates the HTTP connector on that port
        Context context = tomcat.addContext("", null);

        FastMmapSessionManager sessions = new FastMmapSessionManager();
        sessions.setFile(args[2]); // the same file in every process
        context.setManager(sessions);

        Tomcat.addServlet(context, "visits", new VisitServlet("Tomcat instance " + instance));
        context.addServletMappingDecoded("/*", "visits");
        tomcat.start();
        System.out.println("instance " + instance + " serving http://localhost:" + args[1] + "/ with sessions in "
                + args[2]);
        tomcat.getServer().await();
    }
}
