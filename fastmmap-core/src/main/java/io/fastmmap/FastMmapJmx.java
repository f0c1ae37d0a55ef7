package io.fastmmap;

import java.lang.management.ManagementFactory;
import java.util.function.Function;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers a {@link FastMmapMXBean} for one cache, and takes it away again on close. */
final class FastMmapJmx implements FastMmapMXBean {
    private final FastMmap cache;
    private final ObjectName name;

    private FastMmapJmx(FastMmap cache, ObjectName name) {
        this.cache = cache;
        this.name = name;
    }

    static FastMmapJmx register(FastMmap cache) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String base = "io.fastmmap:type=FastMmap,file=" + ObjectName.quote(cache.file().toAbsolutePath().toString());
        for (int instance = 1; ; instance++) {
            try {
                ObjectName name = new ObjectName(instance == 1 ? base : base + ",instance=" + instance);
                FastMmapJmx bean = new FastMmapJmx(cache, name);
                server.registerMBean(bean, name);
                return bean;
            } catch (InstanceAlreadyExistsException taken) {
                // another instance of this file in this JVM: try the next number
            } catch (JMException e) {
                throw new IllegalStateException(cache.file() + ": cannot register the JMX bean (" + e
                        + "); build the cache without jmx(true)", e);
            }
        }
    }

    ObjectName name() {
        return name;
    }

    void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException alreadyGone) {
            // unregistered by someone else: nothing left to do
        }
    }

    private long stat(Function<CacheStats, Long> figure) {
        return figure.apply(cache.stats());
    }

    @Override
    public String getFile() {
        return cache.file().toAbsolutePath().toString();
    }

    @Override
    public int getPageCount() {
        return cache.engine().pageCount();
    }

    @Override
    public int getPageSizeBytes() {
        return cache.engine().pageSizeBytes();
    }

    @Override
    public long getEntryCount() {
        return stat(CacheStats::entryCount);
    }

    @Override
    public long getUsedBytes() {
        return stat(CacheStats::usedBytes);
    }

    @Override
    public long getFreeBytes() {
        return stat(CacheStats::freeBytes);
    }

    @Override
    public boolean isStatsEnabled() {
        return cache.statsEnabled();
    }

    @Override
    public long getHitCount() {
        return stat(CacheStats::hitCount);
    }

    @Override
    public long getMissCount() {
        return stat(CacheStats::missCount);
    }

    @Override
    public long getSetCount() {
        return stat(CacheStats::setCount);
    }

    @Override
    public long getRemoveCount() {
        return stat(CacheStats::removeCount);
    }

    @Override
    public long getEvictionCount() {
        return stat(CacheStats::evictionCount);
    }

    @Override
    public long getProtectedEvictionCount() {
        return stat(CacheStats::protectedEvictionCount);
    }

    @Override
    public long getExpirationCount() {
        return stat(CacheStats::expirationCount);
    }

    @Override
    public long getPageRepairCount() {
        return stat(CacheStats::pageRepairCount);
    }

    @Override
    public long getLockRecoveryCount() {
        return stat(CacheStats::lockRecoveryCount);
    }

    @Override
    public long getTooLargeRefusalCount() {
        return stat(CacheStats::tooLargeRefusalCount);
    }
}
