package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.CapturedLog;
import io.fastmmap.FastMmap;
import io.fastmmap.process.ChildJvm.Jdk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A lock taken over from a process killed (SIGKILL) while it held it is logged: file, page, dead pid, advice. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeadHolderWarningTest {
    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void aLockTakenOverFromAKilledHolderIsLogged() throws Exception {
        Path file = dir.resolve("dead-holder-log.fmm");
        try (CapturedLog log = new CapturedLog();
                FastMmap cache = FastMmap.builder(file).pageCount(1).pageSize(64 * 1024).build()) {
            cache.set(bytes("held"), bytes("old"));
            ChildJvm holder = jvms.start("holder", Jdk.parent().other(), HolderChild.class, file.toString(), "1",
                    Integer.toString(64 * 1024), "held", "forever", "never-stored");
            holder.awaitLine("HOLDING", Duration.ofSeconds(90));
            long pid = holder.pid();
            holder.kill();
            assertThat(new String(cache.get(bytes("held")), StandardCharsets.UTF_8)).isEqualTo("old");
            List<String> lines = log.awaitWarningsWith(file.toString(), 1);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("took over the lock of page 0 from process " + pid,
                    "which died holding it", "find out why the process died", "cache.lock.recoveries");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
