package io.fastmmap;

import static io.fastmmap.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import javax.management.InstanceNotFoundException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FastMmap.Builder#jmx}: an MXBean per open cache in the platform MBean server, gone on close. */
class JmxTest {
    @TempDir
    Path directory;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private ObjectName nameOf(Path file, String suffix) throws Exception {
        return new ObjectName("io.fastmmap:type=FastMmap,file=" + ObjectName.quote(file.toAbsolutePath().toString())
                + suffix);
    }

    @Test
    void anOpenCacheShowsItsFiguresOverJmxAndGoesAwayOnClose() throws Exception {
        Path file = directory.resolve("jmx.fmm");
        ObjectName name = nameOf(file, "");
        try (FastMmap cache = FastMmap.builder(file).pageCount(2).pageSize(4096).enableStats(true).jmx(true).build()) {
            cache.set(utf8("a"), utf8("1"));
            cache.set(utf8("b"), utf8("2"));
            cache.get(utf8("a"));
            cache.get(utf8("nope"));
            assertThatThrownBy(() -> cache.set(utf8("big"), new byte[8192]))
                    .isInstanceOf(ValueTooLargeException.class);
            assertThat(server.getAttribute(name, "File")).isEqualTo(file.toAbsolutePath().toString());
            assertThat(server.getAttribute(name, "PageCount")).isEqualTo(2);
            assertThat(server.getAttribute(name, "PageSizeBytes")).isEqualTo(4096);
            assertThat(server.getAttribute(name, "EntryCount")).isEqualTo(2L);
            assertThat(server.getAttribute(name, "HitCount")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "MissCount")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "SetCount")).isEqualTo(2L);
            assertThat(server.getAttribute(name, "TooLargeRefusalCount")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "StatsEnabled")).isEqualTo(true);
            FastMmapMXBean proxy = JMX.newMXBeanProxy(server, name, FastMmapMXBean.class);
            CacheStats stats = cache.stats();
            assertThat(proxy.getUsedBytes()).isEqualTo(stats.usedBytes()).isPositive();
            assertThat(proxy.getFreeBytes()).isEqualTo(stats.freeBytes()).isPositive();
            assertThat(proxy.getEvictionCount()).isZero();
        }
        assertThat(server.isRegistered(name)).isFalse();
        assertThatThrownBy(() -> server.getAttribute(name, "File")).isInstanceOf(InstanceNotFoundException.class);
    }

    @Test
    void aSecondInstanceOfTheSameFileGetsItsOwnNameAndNoneIsRegisteredWithoutJmx() throws Exception {
        Path file = directory.resolve("twice.fmm");
        try (FastMmap first = FastMmap.builder(file).pageCount(1).pageSize(4096).jmx(true).build();
                FastMmap second = FastMmap.builder(file).pageCount(1).pageSize(4096).jmx(true).build();
                FastMmap third = FastMmap.builder(file).pageCount(1).pageSize(4096).build()) {
            assertThat(server.isRegistered(nameOf(file, ""))).isTrue();
            assertThat(server.isRegistered(nameOf(file, ",instance=2"))).isTrue();
            assertThat(server.queryNames(new ObjectName("io.fastmmap:type=FastMmap,*"), null)
                    .stream().filter(n -> n.getKeyProperty("file").contains("twice.fmm"))).hasSize(2);
            second.close();
            assertThat(server.isRegistered(nameOf(file, ",instance=2"))).isFalse();
            assertThat(server.isRegistered(nameOf(file, ""))).isTrue();
        }
        assertThat(server.isRegistered(nameOf(file, ""))).isFalse();
    }
}
