package io.fastmmap.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.servlet.testkit.Browser;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.FormAuthenticator;
import org.apache.catalina.realm.MemoryRealm;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FORM login with Tomcat's own authenticator (which keeps the logged-in user in the session object, cache="true")
 * and a realm with one user, on two Tomcats sharing one file: the user logged in on one is logged in on the other.
 */
class TomcatFormLoginTest {
    @TempDir
    Path dir;
    TomcatNode nodeA;
    TomcatNode nodeB;

    @BeforeEach
    void start() throws Exception {
        Path users = dir.resolve("users.xml");
        Files.writeString(users, """
                <tomcat-users>
                  <user username="alice" password="secret" roles="clerk"/>
                </tomcat-users>
                """);
        Path file = dir.resolve("sessions.fmm");
        nodeA = new TomcatNode(file, dir.resolve("a"), null, context -> formLogin(context, users));
        nodeB = new TomcatNode(file, dir.resolve("b"), null, context -> formLogin(context, users));
    }

    @AfterEach
    void stop() throws Exception {
        nodeA.close();
        nodeB.close();
    }

    /** As web.xml's login-config FORM and a security-constraint on /secure/* for role clerk would set up. */
    private static void formLogin(Context context, Path users) {
        MemoryRealm realm = new MemoryRealm();
        realm.setPathname(users.toString());
        context.setRealm(realm);
        context.setLoginConfig(new LoginConfig("FORM", null, "/login", "/login-failed"));
        SecurityCollection secure = new SecurityCollection();
        secure.addPatternDecoded("/secure/*");
        SecurityConstraint constraint = new SecurityConstraint();
        constraint.addAuthRole("clerk");
        constraint.addCollection(secure);
        context.addConstraint(constraint);
        context.addSecurityRole("clerk");
        context.getPipeline().addValve(new FormAuthenticator()); // what ContextConfig adds for a FORM login-config
        Tomcat.addServlet(context, "who", new Who());
        context.addServletMappingDecoded("/secure/who", "who");
        context.addServletMappingDecoded("/login", "who");
        context.addServletMappingDecoded("/login-failed", "who");
        context.addServletMappingDecoded("/logout", "who");
    }

    /** The login pages and the protected page in one: says where it is and who is logged in. */
    static final class Who extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            resp.setContentType("text/plain");
            if (req.getServletPath().equals("/logout")) {
                req.logout();
            }
            HttpSession session = req.getSession(false);
            resp.getWriter().print(req.getServletPath() + " user=" + req.getRemoteUser() + " clerk="
                    + req.isUserInRole("clerk") + " auth=" + req.getAuthType() + " attributes="
                    + (session == null ? "-" : Collections.list(session.getAttributeNames())));
        }
    }

    private static String at(TomcatNode node, String path) {
        return "http://127.0.0.1:" + node.port() + "/app" + path;
    }

    @Test
    void aUserLoggedInOnOneNodeIsLoggedInOnTheOther() throws Exception {
        Browser browser = new Browser();
        assertThat(browser.body(at(nodeA, "/secure/who"))).startsWith("/login user=null");
        String before = browser.cookie;
        HttpResponse<String> login = browser.post(at(nodeA, "/j_security_check"), "j_username=alice&j_password=secret");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(browser.cookie).isNotEqualTo(before); // a new id on login
        String loggedIn = "/secure/who user=alice clerk=true auth=FORM attributes=[]";
        assertThat(browser.body(at(nodeA, "/secure/who"))).isEqualTo(loggedIn);

        assertThat(browser.body(at(nodeB, "/secure/who"))).isEqualTo(loggedIn);
        assertThat(browser.body(at(nodeA, "/secure/who"))).isEqualTo(loggedIn);
        assertThat(nodeB.manager.getStore().findByPrincipalName("alice")).containsOnlyKeys(browser.cookie);

        assertThat(browser.body(at(nodeB, "/logout"))).startsWith("/logout user=null");
        assertThat(browser.body(at(nodeA, "/secure/who"))).startsWith("/login user=null");
        assertThat(nodeA.manager.getStore().findByPrincipalName("alice")).isEmpty();
    }

    /**
     * Notes (the request to return to, the id the login page was shown to) stay in the process that showed the login
     * page, as with Tomcat's own cluster managers: a login form posted to another process ends the session with 408.
     */
    @Test
    void theLoginFormMustBePostedToTheProcessThatShowedIt() throws Exception {
        Browser browser = new Browser();
        browser.body(at(nodeA, "/secure/who"));
        assertThat(browser.post(at(nodeB, "/j_security_check"), "j_username=alice&j_password=secret").statusCode())
                .isEqualTo(408);
        assertThat(browser.body(at(nodeA, "/secure/who"))).startsWith("/login user=null");
        // Logging in again, on B this time, logs the user in everywhere.
        assertThat(browser.body(at(nodeB, "/secure/who"))).startsWith("/login user=null");
        assertThat(browser.post(at(nodeB, "/j_security_check"), "j_username=alice&j_password=secret").statusCode())
                .isEqualTo(303);
        assertThat(browser.body(at(nodeA, "/secure/who"))).startsWith("/secure/who user=alice");
    }
}
