package io.fastmmap.tomcat;

import io.fastmmap.servlet.testkit.Throughput;
import java.nio.file.Files;
import org.apache.catalina.util.ServerInfo;

/**
 * Requests per second with sessions in fastmmap (FastMmapSessionManager) against Tomcat's StandardManager, same
 * servlet: {@code [threads] [roundSeconds] [rounds]}. For a quiet machine (fastmmap-servlet-testkit/run-throughput.sh).
 */
public final class TomcatThroughputDriver {
    private TomcatThroughputDriver() {
    }

    public static void main(String[] args) throws Exception {
        Throughput.drive(ServerInfo.getServerInfo(), args, (file, name) -> new TomcatNode(file,
                Files.createTempDirectory("tomcat-" + name), null));
    }
}
