package io.fastmmap.jetty;

import io.fastmmap.FastMmap;
import io.fastmmap.session.AttributeSerializer;
import io.fastmmap.session.DefaultAttributeSerializer;
import io.fastmmap.session.SessionStoreConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

/**
 * Makes {@link FastMmapSessionDataStore}s on one session file. Added to the server as a bean, every context uses it:
 *
 * {@snippet :
 * FastMmapSessionDataStoreFactory sessions = new FastMmapSessionDataStoreFactory();
 * sessions.setFile(Path.of("/var/lib/myapp/sessions.fmm"));
 * server.addBean(sessions);
 * server.addBean(new NullSessionCacheFactory()); // every request reads the file: processes share sessions
 * }
 *
 * <p>All contexts (and all processes configured with the same file) share the one file; each context's sessions
 * are kept apart by context path and virtual host. Defaults: {@code ~/.cache/fastmmap/jetty.sessions}
 * ({@code $XDG_CACHE_HOME} respected), 16 MiB, 64 KiB pages (the largest session), attributes as JSON only.
 *
 * <p>Every process that opens the file must use the same cache and page size (the file is recreated otherwise,
 * when no other process has it open) and the same serialization settings.
 */
public class FastMmapSessionDataStoreFactory extends AbstractSessionDataStoreFactory {
    private Path file = SessionStoreConfig.builder("jetty").build().file();
    private long cacheSizeBytes = SessionStoreConfig.DEFAULT_CACHE_SIZE;
    private int pageSizeBytes = SessionStoreConfig.DEFAULT_PAGE_SIZE;
    private AttributeSerializer serializer = DefaultAttributeSerializer.jsonOnly();
    private SharedFile shared;

    /** @param file the session file; its directory is created (mode 0700) when missing */
    public synchronized void setFile(Path file) {
        checkNotOpen("file");
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /**
     * The same as {@link #setFile} for configuration by name (Jetty XML, the {@code session-store-fastmmap} module).
     *
     * @param file the session file's path; relative paths resolve against the working directory
     */
    public void setFileName(String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("the session file name is empty; set jetty.session.fastmmap.file to"
                    + " a path such as ${jetty.base}/sessions/fastmmap.sessions");
        }
        setFile(Path.of(file.trim()));
    }

    /** @return the session file */
    public synchronized Path getFile() {
        return file;
    }

    /** @param bytes the file's total page space, at least 4096 (default 16 MiB); bounds how many sessions it holds */
    public synchronized void setCacheSize(long bytes) {
        checkNotOpen("cacheSize");
        FastMmap.builder(file).cacheSize(bytes); // refuses a bad size now, naming it, rather than at server start
        this.cacheSizeBytes = bytes;
    }

    /** @return the file's total page space in bytes */
    public synchronized long getCacheSize() {
        return cacheSizeBytes;
    }

    /** @param bytes the page size, a multiple of 4096 (default 64 KiB); one session must fit in one page */
    public synchronized void setPageSize(int bytes) {
        checkNotOpen("pageSize");
        FastMmap.builder(file).pageSize(bytes);
        this.pageSizeBytes = bytes;
    }

    /** @return the page size in bytes */
    public synchronized int getPageSize() {
        return pageSizeBytes;
    }

    /**
     * Switches on Java serialization for attributes JSON cannot hold, reading back only classes the patterns allow.
     *
     * @param patterns comma-separated {@code ObjectInputFilter} class patterns ({@code com.example.Cart},
     *     {@code com.example.*}, {@code com.example.**}); blank switches Java serialization off again
     */
    public synchronized void setJavaAllowedClasses(String patterns) {
        checkNotOpen("javaAllowedClasses");
        String[] list = patterns == null ? new String[0] : Arrays.stream(patterns.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toArray(String[]::new);
        this.serializer = list.length == 0 ? DefaultAttributeSerializer.jsonOnly()
                : DefaultAttributeSerializer.withJavaSerialization(list);
    }

    /** @param serializer how attribute values become bytes (default: JSON only) */
    public synchronized void setSerializer(AttributeSerializer serializer) {
        checkNotOpen("serializer");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    /** @return how attribute values become bytes */
    public synchronized AttributeSerializer getSerializer() {
        return serializer;
    }

    @Override
    public synchronized SessionDataStore getSessionDataStore(SessionManager manager) {
        if (shared == null) {
            shared = new SharedFile(file, cacheSizeBytes, pageSizeBytes);
        }
        FastMmapSessionDataStore store = new FastMmapSessionDataStore(shared, serializer);
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        return store;
    }

    private void checkNotOpen(String setting) {
        if (shared != null) {
            throw new IllegalStateException("FastMmapSessionDataStoreFactory." + setting + " cannot change after"
                    + " the factory made its first store (of " + file + "); configure it before the server starts");
        }
    }

    @Override
    public synchronized String toString() {
        return "FastMmapSessionDataStoreFactory[file=" + file + ", cacheSize=" + cacheSizeBytes + ", pageSize="
                + pageSizeBytes + ", serializer=" + serializer + "]";
    }
}
