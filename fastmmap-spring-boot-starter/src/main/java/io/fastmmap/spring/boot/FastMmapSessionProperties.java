package io.fastmmap.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.util.unit.DataSize;

/** {@code fastmmap.session.*}: where and how HTTP sessions are stored. */
@ConfigurationProperties(prefix = "fastmmap.session")
public class FastMmapSessionProperties {
    /** Whether to store HTTP sessions in a fastmmap file. */
    private boolean enabled = true;

    /**
     * Where sessions live: LOCAL, in the file only (one host); REDIS, in Redis (Spring Session Data Redis's layout,
     * Boot's spring.data.redis.* connection) with the file as this host's copy (fastmmap.session.redis.*).
     */
    private Tier tier = Tier.LOCAL;

    /** Where sessions live. */
    public enum Tier {
        /** In the file: every instance on this host. */
        LOCAL,
        /** In Redis, the file holding this host's copy: many hosts. */
        REDIS
    }

    /**
     * The file's layout: FASTMMAP, fastmmap's own session store; CATALYST, a Catalyst app's session file
     * (Catalyst::Plugin::Session with Session::Store::FastMmap) shared with that app: file is then its storage file
     * (required), cache-size and page-size mean Cache::FastMmap's (default 89 pages of 64 KiB, used only when the
     * file is created), and server.servlet.session.cookie.name must be the Catalyst app's cookie name.
     */
    private Format format = Format.FASTMMAP;

    /** The session file's layout. */
    public enum Format {
        /** fastmmap's session store. */
        FASTMMAP,
        /** Catalyst's session:/expires: keys in a Cache::FastMmap file, shared with a Catalyst app. */
        CATALYST
    }

    public Format getFormat() {
        return format;
    }

    public void setFormat(Format format) {
        this.format = format;
    }

    public Tier getTier() {
        return tier;
    }

    public void setTier(Tier tier) {
        this.tier = tier;
    }

    /**
     * Session file, shared by every instance of the application on this host. Default:
     * ~/.cache/fastmmap/APP.sessions (or under $XDG_CACHE_HOME), APP being app-name.
     */
    private Path file;

    /**
     * Names the default file. Default: spring.application.name, else the main (@SpringBootApplication) class's name,
     * so unrelated applications never share a file.
     */
    private String appName;

    /**
     * Total size of the session file. Changing it carries the live sessions over to a file of the new size at the next
     * start, once every instance of the old size is stopped.
     */
    private DataSize cacheSize = DataSize.ofMegabytes(16);

    /** Page size; one session (all attributes serialized) must fit in one page. */
    private DataSize pageSize = DataSize.ofKilobytes(64);

    /** Wipe the session file at start-up. */
    private boolean recreate = false;

    /** Delete the session file when the application stops and no other process has it open. */
    private boolean deleteOnClose = false;

    /** When session changes are written: at the end of the request (ON_SAVE) or at once (IMMEDIATE). */
    private FlushMode flushMode = FlushMode.ON_SAVE;

    /** Which attributes are written on save. */
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

    /** Cron expression of the expired-session cleanup, which publishes SessionExpiredEvents; "-" turns it off. */
    private String cleanupCron = "0 * * * * *";

    /** Longest max inactive interval a session may have; longer ones are lowered to it. */
    private Duration maxInactiveIntervalLimit = Duration.ofHours(24);

    /**
     * How many sessions' last decoded form each instance keeps, so a request that finds its session's stored bytes
     * unchanged skips decoding them (always checked against the file); 0 turns it off.
     */
    private int decodedCacheSize = 4096;

    /** Bound on the stored bytes of those sessions; a session above a sixteenth of it is not kept. */
    private DataSize decodedCacheBytes = DataSize.ofMegabytes(16);

    private final Serialization serialization = new Serialization();

    /**
     * How attribute values are serialized: plain values (strings, numbers, ArrayLists, LinkedHashMaps) as JSON,
     * everything else with Java serialization, which reads back only allowed classes: the JDK value types, Spring
     * Security's and Spring MVC's session classes when they are on the class path, and java-allowed-classes.
     */
    public static class Serialization {
        /**
         * Allow Java serialization of Spring Security's session attributes (security context, OAuth2/OIDC tokens,
         * saved request, CSRF and remember-me tokens). Default: allowed when Spring Security is on the class path;
         * false refuses them.
         */
        private Boolean springSecurity;

        /**
         * The application's own classes that may be stored with Java serialization, as class patterns (a.b.C,
         * a.b.*, a.b.**), e.g. com.example.shop.**. Every instance sharing the file needs the same list.
         */
        private List<String> javaAllowedClasses = new ArrayList<>();

        public Boolean getSpringSecurity() {
            return springSecurity;
        }

        public void setSpringSecurity(Boolean springSecurity) {
            this.springSecurity = springSecurity;
        }

        public List<String> getJavaAllowedClasses() {
            return javaAllowedClasses;
        }

        public void setJavaAllowedClasses(List<String> javaAllowedClasses) {
            this.javaAllowedClasses = javaAllowedClasses;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Path getFile() {
        return file;
    }

    public void setFile(Path file) {
        this.file = file;
    }

    public String getAppName() {
        return appName;
    }

    public void setAppName(String appName) {
        this.appName = appName;
    }

    public DataSize getCacheSize() {
        return cacheSize;
    }

    public void setCacheSize(DataSize cacheSize) {
        this.cacheSize = cacheSize;
    }

    public DataSize getPageSize() {
        return pageSize;
    }

    public void setPageSize(DataSize pageSize) {
        this.pageSize = pageSize;
    }

    public boolean isRecreate() {
        return recreate;
    }

    public void setRecreate(boolean recreate) {
        this.recreate = recreate;
    }

    public boolean isDeleteOnClose() {
        return deleteOnClose;
    }

    public void setDeleteOnClose(boolean deleteOnClose) {
        this.deleteOnClose = deleteOnClose;
    }

    public FlushMode getFlushMode() {
        return flushMode;
    }

    public void setFlushMode(FlushMode flushMode) {
        this.flushMode = flushMode;
    }

    public SaveMode getSaveMode() {
        return saveMode;
    }

    public void setSaveMode(SaveMode saveMode) {
        this.saveMode = saveMode;
    }

    public String getCleanupCron() {
        return cleanupCron;
    }

    public void setCleanupCron(String cleanupCron) {
        this.cleanupCron = cleanupCron;
    }

    public Duration getMaxInactiveIntervalLimit() {
        return maxInactiveIntervalLimit;
    }

    public void setMaxInactiveIntervalLimit(Duration maxInactiveIntervalLimit) {
        this.maxInactiveIntervalLimit = maxInactiveIntervalLimit;
    }

    public int getDecodedCacheSize() {
        return decodedCacheSize;
    }

    public void setDecodedCacheSize(int decodedCacheSize) {
        this.decodedCacheSize = decodedCacheSize;
    }

    public DataSize getDecodedCacheBytes() {
        return decodedCacheBytes;
    }

    public void setDecodedCacheBytes(DataSize decodedCacheBytes) {
        this.decodedCacheBytes = decodedCacheBytes;
    }

    public Serialization getSerialization() {
        return serialization;
    }
}
