package io.fastmmap.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fastmmap.FastMmap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.session.AbstractSessionDataStoreTest;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionDataStoreFactory;
import org.eclipse.jetty.toolchain.test.jupiter.WorkDir;
import org.eclipse.jetty.toolchain.test.jupiter.WorkDirExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jetty's own conformance kit for session data stores, run against {@link FastMmapSessionDataStore} as Jetty runs it
 * against its file store. The hooks read and write the file through a second, independent mapping of it, as
 * another process would.
 */
@ExtendWith(WorkDirExtension.class)
class JettyStoreKitTest extends AbstractSessionDataStoreTest {
    /** The kit's attributes: classes only its webapp class loader knows, a proxy of them, and a list. */
    static final String KIT_CLASSES = "Foo,Proxyable,ProxyableInvocationHandler,java.lang.reflect.Proxy,"
            + "java.util.ArrayList,jdk.proxy*";

    public WorkDir workDir;
    private Path file;

    JettyStoreKitTest() throws Exception {
        super();
    }

    @BeforeEach
    void newFile() {
        file = workDir.getEmptyPathDir().resolve("sessions.fmm");
    }

    @Override
    public SessionDataStoreFactory createSessionDataStoreFactory() {
        FastMmapSessionDataStoreFactory factory = new FastMmapSessionDataStoreFactory();
        factory.setFile(file);
        factory.setCacheSize(1 << 20);
        factory.setPageSize(16 << 10);
        factory.setJavaAllowedClasses(KIT_CLASSES);
        return factory;
    }

    private FastMmapSessionDataStoreFactory factory() {
        return (FastMmapSessionDataStoreFactory) _factory;
    }

    @Override
    public void persistSession(SessionData data) throws Exception {
        Map<String, byte[]> attributes = inWebapp(() -> {
            Map<String, byte[]> out = new LinkedHashMap<>();
            data.getAllAttributes().forEach((name, value) -> out.put(name, factory().getSerializer().serialize(name,
                    value)));
            return out;
        });
        write(data, StoredSession.of(data, attributes).encode());
    }

    /** A record whose attribute bytes no serializer wrote. */
    @Override
    public void persistUnreadableSession(SessionData data) throws Exception {
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        attributes.put("broken", "S not a Java stream".getBytes(StandardCharsets.US_ASCII));
        write(data, StoredSession.of(data, attributes).encode());
    }

    @Override
    public boolean checkSessionExists(SessionData data) throws Exception {
        try (FastMmap raw = open()) {
            return raw.get(keyOf(data)) != null;
        }
    }

    @Override
    public boolean checkSessionPersisted(SessionData data) throws Exception {
        byte[] bytes;
        try (FastMmap raw = open()) {
            bytes = raw.get(keyOf(data));
        }
        assertNotNull(bytes, "no entry for " + data.getId());
        StoredSession stored = StoredSession.decode(bytes);
        assertEquals(data.getCreated(), stored.created);
        assertEquals(data.getAccessed(), stored.accessed);
        assertEquals(data.getLastAccessed(), stored.lastAccessed);
        assertEquals(data.getCookieSet(), stored.cookieSet);
        assertEquals(data.getExpiry(), stored.expiry);
        assertEquals(data.getMaxInactiveMs(), stored.maxInactiveMs);
        assertEquals(data.getLastNode(), stored.lastNode);
        assertEquals(data.getKeys(), stored.attributes.keySet());
        inWebapp(() -> {
            stored.attributes.forEach((name, value) -> {
                Object read = factory().getSerializer().deserialize(name, value);
                assertEquals(data.getAttribute(name), read, name);
                // Proxies compare through their handler; their serialized form must also come back the same.
                assertArrayEquals(factory().getSerializer().serialize(name, data.getAttribute(name)),
                        factory().getSerializer().serialize(name, read), name);
            });
            return null;
        });
        return true;
    }

    private void write(SessionData data, byte[] record) {
        try (FastMmap raw = open()) {
            raw.set(keyOf(data), record);
        }
    }

    private FastMmap open() {
        return FastMmap.builder(file).cacheSize(factory().getCacheSize()).pageSize(factory().getPageSize()).build();
    }

    private static byte[] keyOf(SessionData data) {
        return SessionKeys.key(SessionKeys.contextPrefix(data.getContextPath(), data.getVhost()), data.getId());
    }

    private <T> T inWebapp(Supplier<T> work) {
        ClassLoader old = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(_contextClassLoader);
        try {
            return work.get();
        } finally {
            Thread.currentThread().setContextClassLoader(old);
        }
    }
}
