package io.fastmmap.jetty;

import io.fastmmap.servlet.testkit.ChildJvm;
import io.fastmmap.servlet.testkit.ServerNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs (this one and a child Jetty, on JDK 17 when available) serve one browser's requests alternately
 * from the same file, without sticky sessions.
 */
class JettyTwoJvmTest {
    @TempDir
    Path dir;

    @Test
    void twoJvmsServeOneSessionAlternately() throws Exception {
        Path file = dir.resolve("sessions.fmm");
        try (ChildJvm child = ChildJvm.start(JettyNode.class, file.toString(), "child");
                JettyNode parent = new JettyNode(file, "parent")) {
            System.out.println("child JVM on JDK " + child.jdk() + ", this one on JDK " + Runtime.version().feature());
            ChildJvm.serveOneSessionAlternately(parent.url(""), ServerNode.url(child.port(), ""));
        }
    }
}
