package io.fastmmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.Bytes;
import io.fastmmap.FastMmap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many processes opening a file that does not exist yet: one creates it, every one uses that same file. */
class CreationRaceTest {
    @TempDir
    Path directory;

    @Test
    void processesCreatingOneFileAtOnceShouldAllShareTheFileThatWon() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path file = directory.resolve("race-" + round + ".fmm");
            List<Process> children = new ArrayList<>();
            int count = 6;
            for (int id = 0; id < count; id++) {
                children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), file.toString(),
                        "createAndSet:" + id).redirectErrorStream(true).start());
            }
            for (Process child : children) {
                String output = new String(child.getInputStream().readAllBytes());
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).as(output).isZero();
            }
            try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).build()) {
                for (int id = 0; id < count; id++) {
                    assertThat(cache.get(Bytes.utf8("child-" + id))).as("child %d wrote to the shared file", id)
                            .isEqualTo(Bytes.utf8(String.valueOf(id)));
                }
            }
        }
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(name -> name.startsWith("race-"));
        }
    }
}
