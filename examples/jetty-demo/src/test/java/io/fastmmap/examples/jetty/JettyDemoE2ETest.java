package io.fastmmap.examples.jetty;

import io.fastmmap.servlet.testkit.DemoE2E;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged demo twice (two JVMs, one session file) in headless Chromium: see {@link DemoE2E}. */
class JettyDemoE2ETest {
    @TempDir
    Path dir;

    @Test
    void oneVisitorAcrossTwoInstancesAndACrash() throws Exception {
        DemoE2E.run("Jetty", dir);
    }
}
