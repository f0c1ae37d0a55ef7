package io.fastmmap.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.servlet.testkit.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up of docs/tomcat.md for a deployed application: one Manager element in the application's context.xml,
 * read by Tomcat's own ContextConfig, and nothing else (the manager installs its valve itself).
 */
class TomcatContextXmlTest {
    @TempDir
    Path dir;

    @Test
    void oneManagerElementInContextXmlIsTheWholeSetUp() throws Exception {
        Path file = dir.resolve("sessions/shop.sessions");
        Path webapp = Files.createDirectories(dir.resolve("webapp"));
        Files.createDirectories(webapp.resolve("META-INF"));
        Files.writeString(webapp.resolve("META-INF/context.xml"), """
                <Context>
                  <Manager className="io.fastmmap.tomcat.FastMmapSessionManager" file="%s" pageSize="16384"/>
                </Context>
                """.formatted(file));
        Files.createDirectories(webapp.resolve("WEB-INF"));
        Files.writeString(webapp.resolve("WEB-INF/web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <servlet><servlet-name>s</servlet-name>
                    <servlet-class>io.fastmmap.servlet.testkit.SessionServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>s</servlet-name><url-pattern>/s</url-pattern></servlet-mapping>
                </web-app>
                """);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("base").toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        StandardContext context = new StandardContext();
        context.setName("/shop");
        context.setPath("/shop");
        context.setDocBase(webapp.toString());
        context.setConfigFile(webapp.resolve("META-INF/context.xml").toUri().toURL());
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(Constants.NoDefaultWebXml);
        context.addLifecycleListener(config);
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false); // the test's class path has nothing for Tomcat to find, only seconds to cost
        context.setJarScanner(scanner);
        tomcat.getHost().addChild(context);
        tomcat.start();
        try {
            assertThat(context.getManager()).isInstanceOf(FastMmapSessionManager.class);
            String url = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/shop/s?op=incr&name=n";
            Browser browser = new Browser();
            assertThat(browser.body(url)).isEqualTo("1");
            assertThat(browser.body(url)).isEqualTo("2");
            assertThat(((FastMmapSessionManager) context.getManager()).getStore().getSessionData(browser.cookie)
                    .attributes()).containsEntry("n", 2);
            assertThat(file).exists();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void aJvmRouteStopsTheContextFromStartingRatherThanEverySessionFailing() throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("base").toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getEngine().setJvmRoute("node1");
        org.apache.catalina.Context context = tomcat.addContext("/app", dir.toString());
        FastMmapSessionManager manager = new FastMmapSessionManager();
        manager.setFile(dir.resolve("s.fmm").toString());
        context.setManager(manager);
        try {
            tomcat.start();
            assertThat(context.getState()).isNotEqualTo(org.apache.catalina.LifecycleState.STARTED);
            assertThat(manager.getStore()).isNull();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
