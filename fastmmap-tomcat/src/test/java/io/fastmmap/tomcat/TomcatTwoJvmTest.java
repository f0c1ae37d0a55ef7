package io.fastmmap.tomcat;

import io.fastmmap.servlet.testkit.ChildJvm;
import io.fastmmap.servlet.testkit.ServerNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real JVMs (this one and a child Tomcat, on JDK 17 when available) serve one session alternately. */
class TomcatTwoJvmTest {
    @TempDir
    Path dir;

    @Test
    void twoJvmsServeOneSessionAlternately() throws Exception {
        Path file = dir.resolve("sessions.fmm");
        try (ChildJvm child = ChildJvm.start(TomcatNode.class, file.toString(), dir.resolve("child").toString());
                TomcatNode parent = new TomcatNode(file, dir.resolve("parent"), null)) {
            System.out.println("child JVM on JDK " + child.jdk() + ", this one on JDK " + Runtime.version().feature());
            ChildJvm.serveOneSessionAlternately(parent.url(""), ServerNode.url(child.port(), ""));
        }
    }
}
