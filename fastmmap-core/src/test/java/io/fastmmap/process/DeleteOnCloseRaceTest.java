package io.fastmmap.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastmmap.process.ChildJvm.Jdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 4's second half: {@code deleteOnClose} checked that no other process was attached and then
 * unlinked the path, so a process attaching in between kept writing to a deleted inode, its writes lost without a
 * word. Real JVMs of both JDKs: one opens and closes the file with {@code deleteOnClose(true)} again and again while
 * two others attach, write and read back. No attacher may ever find, while attached, that the path no longer names
 * its file, and every write it made is read back; the deleter must really have deleted the file (else the race was
 * not run).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeleteOnCloseRaceTest {
    private static final Pattern SUMMARY =
            Pattern.compile("SUMMARY ok=(\\d+) lost=(\\d+) refused=(\\d+) deleted=(\\d+)");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration RUN = Duration.ofMinutes(3);

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    @TempDir
    Path dir;

    @Test
    void noProcessEndsOnADeletedFileWhileAnotherClosesWithDeleteOnClose() {
        Path file = dir.resolve("delete-race.fmm");
        Jdk parent = Jdk.parent();
        List<ChildJvm> children = new ArrayList<>();
        children.add(start("deleter", parent.other(), file, "deleter", 400));
        children.add(start("attacher-a", parent, file, "attacher", 250));
        children.add(start("attacher-b", parent.other(), file, "attacher", 250));
        for (ChildJvm child : children) {
            child.awaitLine("READY", STARTUP);
        }
        int deleted = 0;
        int attachedOk = 0;
        for (ChildJvm child : children) {
            String summary = child.awaitLine("SUMMARY", RUN);
            System.out.println("DeleteOnCloseRaceTest: " + child + ": " + summary);
            Matcher matcher = SUMMARY.matcher(summary);
            assertThat(matcher.matches()).as(summary).isTrue();
            assertThat(Integer.parseInt(matcher.group(2))).as("attachments of %s that lost their file or a write",
                    child).isZero();
            assertThat(child.waitFor(RUN)).as("exit code of %s", child.describe()).isZero();
            deleted += Integer.parseInt(matcher.group(4));
            attachedOk += child.name().startsWith("attacher") ? Integer.parseInt(matcher.group(1)) : 0;
        }
        assertThat(deleted).as("closes after which the deleter found the file gone").isPositive();
        assertThat(attachedOk).as("attachments that wrote and read back").isPositive();
    }

    private ChildJvm start(String name, Jdk jdk, Path file, String role, int iterations) {
        return jvms.start(name, jdk, DeleteOnCloseChild.class, file.toString(), role, Integer.toString(iterations),
                name);
    }
}
