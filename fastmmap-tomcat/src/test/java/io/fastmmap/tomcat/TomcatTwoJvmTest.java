package io.fastmmap.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real JVMs (this one and a child Tomcat, on JDK 17 when available) serve one session alternately. */
class TomcatTwoJvmTest {
    @TempDir
    Path dir;

    @Test
    void twoJvmsServeOneSessionAlternately() throws Exception {
        Path file = dir.resolve("sessions.fmm");
        Process child = new ProcessBuilder(javaBinary(), "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                TomcatNode.class.getName(), file.toString(), dir.resolve("child").toString())
                .redirectErrorStream(true).start();
        try (TomcatNode parent = new TomcatNode(file, dir.resolve("parent"), null)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("port ")) {
                // Tomcat's start-up log
            }
            assertThat(line).as("child JVM's port line").isNotNull();
            String[] words = line.split(" ");
            System.out.println("child JVM on JDK " + words[3] + ", this one on JDK " + Runtime.version().feature());
            String childUrl = "http://127.0.0.1:" + words[1] + "/app/s?";
            Browser browser = new Browser();
            for (int i = 1; i <= 10; i++) {
                String url = (i % 2 == 0 ? childUrl : parent.url("")) + "op=incr&name=n";
                assertThat(browser.body(url)).as("request %d", i).isEqualTo(String.valueOf(i));
            }
            assertThat(browser.body(childUrl + "op=invalidate")).isEqualTo("invalidated");
            assertThat(new Browser(browser.cookie).body(parent.url("op=id"))).isEqualTo("none");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).isZero();
    }

    private static String javaBinary() {
        String configured = System.getProperty("fastmmap.test.jdk17.java");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
