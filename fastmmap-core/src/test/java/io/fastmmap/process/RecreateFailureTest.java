package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.FastMmap;
import io.fastmmap.LockTimeoutException;
import io.fastmmap.process.ChildJvm.Jdk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open with {@code recreate(true)} that fails while wiping (here: another process holds a page lock longer than
 * the lock timeout) must close what it opened: no descriptor of the file stays open in this JVM (closing it later,
 * through the garbage collector, would drop this process's fcntl locks), and nothing of the failed connection keeps
 * the file attached, so a later {@code deleteOnClose} open deletes it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RecreateFailureTest {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration REPLY = Duration.ofSeconds(30);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void aRecreateThatFailsClosesTheConnectionItOpened() throws IOException {
        Path file = dir.resolve("recreate.fmm");
        try (FastMmap cache = open(file).build()) {
            cache.set(bytes("key"), bytes("old-value"));
        }
        ChildJvm holder = jvms.start("holder", Jdk.parent().other(), HolderChild.class, file.toString(), "1",
                Integer.toString(64 * 1024), "key", "release", "holder-value");
        assertThat(holder.awaitLine("HOLDING", STARTUP)).isEqualTo("HOLDING old-value");

        assertThatThrownBy(() -> open(file).recreate(true).lockTimeout(Duration.ofMillis(500)).build())
                .isInstanceOf(LockTimeoutException.class);
        assertThat(descriptorsOf(file)).as("descriptors of %s this JVM keeps after the failed open", file).isEmpty();

        holder.send("RELEASE");
        assertThat(holder.awaitLine("DONE", REPLY)).isEqualTo("DONE holder-value");
        assertThat(holder.waitFor(REPLY)).as("exit code of %s", holder.describe()).isZero();
        try (FastMmap cache = open(file).deleteOnClose(true).build()) {
            assertThat(cache.get(bytes("key"))).as("the failed recreate wiped nothing").isEqualTo(bytes("holder-value"));
        }
        assertThat(file).as("deleted by the only connection left").doesNotExist();
        assertThat(descriptorsOf(file)).isEmpty();
    }

    private static FastMmap.Builder open(Path file) {
        return FastMmap.builder(file).pageCount(1).pageSize(64 * 1024);
    }

    /** @return this process's open descriptors of {@code file}, from /proc/self/fd */
    private static List<Path> descriptorsOf(Path file) throws IOException {
        Path real = file.toAbsolutePath().normalize();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.flatMap(fd -> {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    return target.equals(real) || target.toString().startsWith(real + " ") ? Stream.of(fd)
                            : Stream.empty();
                } catch (IOException gone) { // the descriptor of the listing itself, closed meanwhile
                    return Stream.empty();
                }
            }).toList();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
