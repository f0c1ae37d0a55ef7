package io.fastmmap.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default attribute serializer: JSON (Jackson) for plain values, Java serialization behind an
 * {@link ObjectInputFilter} allow-list for everything else.
 *
 * <p><b>JSON</b> takes only values it gives back as the same classes, equal: {@code String}, {@code Boolean},
 * {@code Integer}, {@code Long}, {@code Double}, and exactly {@code ArrayList}s and {@code LinkedHashMap}s (string
 * keys) of those, nested (inside them only {@code Integer}, not {@code Long}, since JSON numbers come back as the
 * smallest fitting type). Any other list or map ({@code HashMap}, {@code List.of}, Spring's {@code FlashMap}) would
 * come back as another class, so it goes to Java serialization, which gives back its own class. JSON is readable by
 * any language and has none of Java serialization's remote-code-execution risk.
 *
 * <p><b>Java serialization</b> ({@link #standard}, the default) reads back only classes on its allow-list (JDK
 * {@code ObjectInputFilter} patterns such as {@code com.example.cart.*} or {@code org.springframework.security.**}):
 * always the JDK value types of {@link #JDK_VALUE_CLASSES}, plus what {@link #withJavaSerialization} adds. Any other
 * class in a stream is rejected, so a tampered file cannot instantiate arbitrary gadgets. A value is read back once
 * when it is written, with the same filter and limits, so a value that could not be read later (a class the
 * allow-list misses, nesting deeper than 64) is refused by the request that sets it, with a message naming the class
 * and the fix, instead of being stored and locking the session out.
 *
 * <p>Each value's bytes start with a tag ({@code J} JSON, {@code L} a top-level Long as JSON, {@code S} Java
 * serialization), so changing the allow-list never misreads existing sessions.
 */
public final class DefaultAttributeSerializer implements AttributeSerializer {
    /**
     * The classes Java serialization always reads back: inert JDK value types ({@code java.lang} boxes and
     * {@code String}, {@code java.math}, {@code java.time}, {@code java.net.URI} and {@code URL}, {@code java.util}
     * collections, {@code UUID}, {@code Locale}, {@code Date}, {@code Currency}, {@code TimeZone} (whose JDK class is
     * {@code sun.util.calendar.ZoneInfo}), and the concurrent collections).
     * {@code Object} is there for the {@code Object[]} inside collections, the lock classes for the segments
     * {@code ConcurrentHashMap} writes.
     */
    public static final List<String> JDK_VALUE_CLASSES = List.of("java.lang.Object", "java.lang.String",
            "java.lang.Number", "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte",
            "java.lang.Double", "java.lang.Float", "java.lang.Boolean", "java.lang.Character", "java.lang.Enum",
            "java.lang.String$CaseInsensitiveComparator", "java.math.*", "java.time.**", "java.net.URI",
            "java.net.URL", "java.util.*", "sun.util.calendar.ZoneInfo", "java.util.concurrent.ConcurrentHashMap",
            "java.util.concurrent.ConcurrentHashMap$Segment", "java.util.concurrent.locks.ReentrantLock",
            "java.util.concurrent.locks.ReentrantLock$Sync", "java.util.concurrent.locks.ReentrantLock$NonfairSync",
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractOwnableSynchronizer", "java.util.concurrent.CopyOnWriteArrayList",
            "java.util.concurrent.CopyOnWriteArraySet", "java.util.concurrent.ConcurrentSkipListMap",
            "java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.ConcurrentLinkedQueue",
            "java.util.concurrent.ConcurrentLinkedDeque", "java.util.concurrent.TimeUnit");
    /** The property that names an application's own classes (Spring Boot starter). */
    static final String ALLOW_PROPERTY = "fastmmap.session.serialization.java-allowed-classes";
    private static final byte JSON = 'J';
    private static final byte JSON_LONG = 'L';
    private static final byte JAVA = 'S';
    private static final int MAX_DEPTH = 64;
    private static final int MAX_REFS = 100_000;
    private static final int MAX_ARRAY = 1_000_000;
    private static final String LIMITS = "maxdepth=" + MAX_DEPTH + ";maxrefs=" + MAX_REFS + ";maxarray=" + MAX_ARRAY;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    // Readers and writers resolved once: ObjectMapper.readValue looks the type up again on every call.
    private static final ObjectReader ANY_READER = MAPPER.readerFor(Object.class);
    private static final ObjectReader LONG_READER = MAPPER.readerFor(Long.class);
    private static final ObjectWriter WRITER = MAPPER.writer();
    private final ObjectInputFilter javaFilter;
    /** The patterns added to the JDK's, for messages; empty for {@link #standard()}. */
    private final String addedAllowList;
    private final ClassLoader classLoader;

    private DefaultAttributeSerializer(String addedAllowList, boolean java, ClassLoader classLoader) {
        this.addedAllowList = addedAllowList;
        this.javaFilter = !java ? null : ObjectInputFilter.Config.createFilter(LIMITS + ";"
                + String.join(";", JDK_VALUE_CLASSES) + (addedAllowList.isEmpty() ? "" : ";" + addedAllowList)
                + ";!*");
        this.classLoader = classLoader;
    }

    /**
     * The default: JSON for plain values, Java serialization for the JDK value types of {@link #JDK_VALUE_CLASSES}
     * (an application's own classes are refused with a message naming the property that allows them).
     *
     * @return the serializer
     */
    public static DefaultAttributeSerializer standard() {
        return new DefaultAttributeSerializer("", true, null);
    }

    /** @return JSON only: values JSON cannot give back as they were are refused with a message naming the fix */
    public static DefaultAttributeSerializer jsonOnly() {
        return new DefaultAttributeSerializer("", false, null);
    }

    /**
     * {@link #standard()} plus further classes that Java serialization may read back.
     *
     * {@snippet :
     * AttributeSerializer serializer = DefaultAttributeSerializer.withJavaSerialization(
     *         "org.springframework.security.**", "com.example.cart.*");
     * }
     *
     * @param allowedClassPatterns {@code ObjectInputFilter} class patterns ({@code a.b.C}, {@code a.b.*},
     *     {@code a.b.**}) of classes that may be read back besides {@link #JDK_VALUE_CLASSES}; at least one
     * @return the serializer; it loads classes through the thread's context class loader (as web containers and
     *     Spring Boot's launcher expect), falling back to this library's loader
     */
    public static DefaultAttributeSerializer withJavaSerialization(String... allowedClassPatterns) {
        return withJavaSerialization(null, allowedClassPatterns);
    }

    /**
     * @param classLoader loads the classes of Java-serialized values; null for the thread's context class loader
     * @param allowedClassPatterns see {@link #withJavaSerialization(String...)}
     * @return the serializer
     */
    public static DefaultAttributeSerializer withJavaSerialization(ClassLoader classLoader,
            String... allowedClassPatterns) {
        if (allowedClassPatterns.length == 0) {
            throw new IllegalArgumentException("Java serialization needs an allow-list of class patterns, e.g. "
                    + "\"com.example.cart.*\"; for the JDK's value types alone use"
                    + " DefaultAttributeSerializer.standard()");
        }
        for (String pattern : allowedClassPatterns) {
            if (pattern == null || pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!")
                    || pattern.contains("=")) {
                throw new IllegalArgumentException("allowed class pattern \"" + pattern + "\" is not a class, package"
                        + " (a.b.*) or package tree (a.b.**) pattern");
            }
            if (pattern.equals("*") || pattern.equals("**")) {
                throw new IllegalArgumentException("allowed class pattern \"" + pattern + "\" allows every class,"
                        + " which makes deserialization an arbitrary-code-execution risk; list packages instead");
            }
        }
        return new DefaultAttributeSerializer(String.join(";", allowedClassPatterns), true, classLoader);
    }

    /** @return true when Java serialization is switched on (all but {@link #jsonOnly()}) */
    public boolean javaSerializationEnabled() {
        return javaFilter != null;
    }

    @Override
    public byte[] serialize(String name, Object value) {
        // Every Long is a scalar: its tag tells the reader it is not the Integer JSON would make of small numbers.
        byte[] scalar = ScalarJson.write(value instanceof Long ? JSON_LONG : JSON, value);
        if (scalar != null) {
            return scalar;
        }
        if (isJsonValue(value)) {
            return tagged(JSON, json(name, value));
        }
        if (javaFilter == null) {
            throw new SessionSerializationException("session attribute \"" + name + "\" is a "
                    + value.getClass().getName() + ", which JSON cannot give back as it was (JSON takes String,"
                    + " Boolean, Integer, Long, Double, and ArrayLists and string-keyed LinkedHashMaps of them); store"
                    + " such a value, or use Java serialization (DefaultAttributeSerializer.standard(), or"
                    + " withJavaSerialization naming the class's package; in Spring Boot " + ALLOW_PROPERTY + ")");
        }
        if (!(value instanceof Serializable)) {
            throw new SessionSerializationException("session attribute \"" + name + "\" is a "
                    + value.getClass().getName() + ", which is neither a plain JSON value nor Serializable; make the"
                    + " class implement java.io.Serializable or store a plain value instead");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(JAVA);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new SessionSerializationException("session attribute \"" + name + "\" ("
                    + value.getClass().getName() + ") cannot be Java-serialized: " + e
                    + "; every object it references must be Serializable", e);
        }
        byte[] written = bytes.toByteArray();
        readJava(name, written, value); // what cannot be read back must not be stored
        return written;
    }

    @Override
    public Object deserialize(String name, byte[] bytes) {
        if (bytes.length == 0) {
            throw new SessionSerializationException("session attribute \"" + name + "\" is stored as 0 bytes");
        }
        byte tag = bytes[0];
        try {
            switch (tag) {
                case JSON:
                    Object scalar = ScalarJson.readAny(bytes);
                    return scalar != null ? scalar : ANY_READER.readValue(bytes, 1, bytes.length - 1);
                case JSON_LONG:
                    Long number = ScalarJson.readLong(bytes);
                    return number != null ? number : LONG_READER.readValue(bytes, 1, bytes.length - 1);
                case JAVA:
                    return readJava(name, bytes, null);
                default:
                    throw new SessionSerializationException("session attribute \"" + name + "\" starts with tag byte "
                            + tag + ", which this serializer did not write (a custom AttributeSerializer wrote it?)");
            }
        } catch (IOException e) {
            throw new SessionSerializationException("session attribute \"" + name + "\" cannot be read: " + e, e);
        }
    }

    /** Strings, booleans, ints and longs: JSON (and the L tag for longs) gives back the same class and value. */
    @Override
    public boolean readsBackEqual(Object value) {
        Class<?> type = value.getClass();
        return type == String.class || type == Integer.class || type == Long.class || type == Boolean.class;
    }

    /**
     * @param written the value being written, whose bytes are read back to check them; null when reading stored bytes
     */
    private Object readJava(String name, byte[] bytes, Object written) {
        if (javaFilter == null) {
            throw new SessionSerializationException("session attribute \"" + name + "\" was stored with Java"
                    + " serialization, which is switched off here (DefaultAttributeSerializer.jsonOnly()); use the"
                    + " same serializer in every process sharing the file");
        }
        String[] refusal = new String[1];
        try (ObjectInputStream in = new FilteredObjectInputStream(new ByteArrayInputStream(bytes, 1,
                bytes.length - 1))) {
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status status = javaFilter.checkInput(info);
                if (status == ObjectInputFilter.Status.REJECTED && refusal[0] == null) {
                    refusal[0] = refusal(info);
                }
                return status;
            });
            return in.readObject();
        } catch (IOException e) {
            String what = written == null ? "session attribute \"" + name + "\" cannot be read: "
                    : "session attribute \"" + name + "\" (" + written.getClass().getName() + ") is refused, as it"
                            + " could not be read back: ";
            if (refusal[0] == null) {
                throw new SessionSerializationException(what + e, e);
            }
            throw new SessionSerializationException(what + refusal[0], e);
        } catch (ClassNotFoundException e) {
            throw new SessionSerializationException("session attribute \"" + name + "\" holds class "
                    + e.getMessage() + ", which this application cannot load; every process sharing the file needs"
                    + " the same classes", e);
        }
    }

    /** Says which class or limit the filter refused, and how to allow it. */
    private String refusal(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > MAX_DEPTH) {
            return "its objects nest deeper than " + MAX_DEPTH + " levels; store a flatter value";
        }
        if (info.references() > MAX_REFS) {
            return "it holds more than " + MAX_REFS + " objects; store less in the session";
        }
        if (info.arrayLength() > MAX_ARRAY) {
            return "it holds an array of " + info.arrayLength() + " elements (at most " + MAX_ARRAY + ")";
        }
        Class<?> type = info.serialClass();
        while (type != null && type.isArray()) {
            type = type.getComponentType();
        }
        if (type == null) {
            return "the allow-list refused it";
        }
        String pkg = type.getPackageName();
        return "it holds a value of class " + type.getName() + ", and the Java serialization allow-list (the JDK"
                + " value types"
                + (addedAllowList.isEmpty() ? "" : " and " + addedAllowList) + ") does not name that class. If it is"
                + " your own class, add its package to " + ALLOW_PROPERTY + " (e.g. " + ALLOW_PROPERTY + "="
                + (pkg.isEmpty() ? type.getName() : pkg + ".*") + "), or to DefaultAttributeSerializer"
                + ".withJavaSerialization; every process sharing the file needs the same list";
    }

    private byte[] json(String name, Object value) {
        try {
            return WRITER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SessionSerializationException("session attribute \"" + name + "\" cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static byte[] tagged(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** Values whose JSON round trip gives back an equal value of the same class (lists and maps exactly). */
    static boolean isJsonValue(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return true;
        }
        if (value instanceof Double d) {
            return !d.isNaN() && !d.isInfinite();
        }
        if (value.getClass() == ArrayList.class) {
            for (Object element : (List<?>) value) {
                if (element != null && !isJsonValue(element)) {
                    return false;
                }
            }
            return true;
        }
        if (value.getClass() == LinkedHashMap.class) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof String) || (e.getValue() != null && !isJsonValue(e.getValue()))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Resolves classes through the configured or the thread's context class loader. */
    private final class FilteredObjectInputStream extends ObjectInputStream {
        FilteredObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall through to the default resolution (this library's loader, primitives)
                }
            }
            return super.resolveClass(desc);
        }

        /** Proxies too: the default looks their interfaces up in this library's loader, which cannot see a webapp's. */
        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            if (loader == null) {
                return super.resolveProxyClass(interfaces);
            }
            Class<?>[] types = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                types[i] = Class.forName(interfaces[i], false, loader);
            }
            try {
                return java.lang.reflect.Proxy.newProxyInstance(loader, types, (proxy, method, args) -> null)
                        .getClass();
            } catch (IllegalArgumentException e) {
                return super.resolveProxyClass(interfaces); // e.g. non-public interfaces of different loaders
            }
        }
    }

    @Override
    public String toString() {
        return "DefaultAttributeSerializer[json" + (javaFilter == null ? ""
                : ", java allow-list JDK value types" + (addedAllowList.isEmpty() ? "" : ";" + addedAllowList)) + "]";
    }
}
