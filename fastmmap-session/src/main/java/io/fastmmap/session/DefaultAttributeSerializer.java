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
import java.util.List;
import java.util.Map;

/**
 * The default attribute serializer: JSON (Jackson) for plain values, and Java serialization only when switched on,
 * behind an {@link ObjectInputFilter} allow-list.
 *
 * <p><b>JSON</b> takes values that come back equal after a round trip: {@code String}, {@code Boolean},
 * {@code Integer}, {@code Long}, {@code Double}, and {@code List}s and {@code Map}s (string keys) of those, nested
 * (inside lists and maps only {@code Integer}, not {@code Long}, since JSON numbers come back as the smallest
 * fitting type). Lists come back as {@code ArrayList}, maps as {@code LinkedHashMap}, which are equal to any other
 * list or map with the same contents. JSON is readable by any language and has none of Java serialization's
 * remote-code-execution risk.
 *
 * <p><b>Java serialization</b> ({@link #withJavaSerialization}) is for everything else, such as Spring Security's
 * {@code SecurityContextImpl}. Reading accepts only classes matching the allow-list (JDK
 * {@code ObjectInputFilter} patterns such as {@code org.springframework.security.**} or {@code java.util.*}) plus
 * the JDK's boxed numbers and {@code String}; any other class in the stream is rejected, so a tampered file cannot
 * instantiate arbitrary gadgets.
 *
 * <p>Each value's bytes start with a tag ({@code J} JSON, {@code L} a top-level Long as JSON, {@code S} Java
 * serialization), so turning Java serialization on or off never misreads existing sessions.
 */
public final class DefaultAttributeSerializer implements AttributeSerializer {
    private static final byte JSON = 'J';
    private static final byte JSON_LONG = 'L';
    private static final byte JAVA = 'S';
    /** Always allowed in Java streams: inert values (Object for the Object[] inside collections). */
    private static final String BASE_ALLOW_LIST =
            "java.lang.Object;java.lang.String;java.lang.Number;java.lang.Integer;java.lang.Long;java.lang.Short;java.lang.Byte;"
            + "java.lang.Double;java.lang.Float;java.lang.Boolean;java.lang.Character;java.lang.Enum;"
            + "java.math.BigDecimal;java.math.BigInteger;java.time.Ser;java.time.*";
    private static final String LIMITS = "maxdepth=64;maxrefs=100000;maxarray=1000000";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    // Readers and writers resolved once: ObjectMapper.readValue looks the type up again on every call.
    private static final ObjectReader ANY_READER = MAPPER.readerFor(Object.class);
    private static final ObjectReader LONG_READER = MAPPER.readerFor(Long.class);
    private static final ObjectWriter WRITER = MAPPER.writer();
    private final ObjectInputFilter javaFilter;
    private final String allowList;
    private final ClassLoader classLoader;

    private DefaultAttributeSerializer(String allowList, ClassLoader classLoader) {
        this.allowList = allowList;
        this.javaFilter = allowList == null ? null
                : ObjectInputFilter.Config.createFilter(LIMITS + ";" + BASE_ALLOW_LIST + ";" + allowList + ";!*");
        this.classLoader = classLoader;
    }

    /** @return JSON only: values JSON cannot carry are refused with a message naming the attribute and the fix */
    public static DefaultAttributeSerializer jsonOnly() {
        return new DefaultAttributeSerializer(null, null);
    }

    /**
     * JSON for plain values, Java serialization for other {@link Serializable} values.
     *
     * {@snippet :
     * AttributeSerializer serializer = DefaultAttributeSerializer.withJavaSerialization(
     *         "org.springframework.security.**", "java.util.*", "com.example.cart.*");
     * }
     *
     * @param allowedClassPatterns {@code ObjectInputFilter} class patterns ({@code a.b.C}, {@code a.b.*},
     *     {@code a.b.**}) of classes that may be read back; at least one
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
                    + "\"org.springframework.security.**\"; without one nothing could be read back");
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
        return new DefaultAttributeSerializer(String.join(";", allowedClassPatterns), classLoader);
    }

    /** @return true when Java serialization is switched on */
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
                    + value.getClass().getName() + ", which JSON cannot store faithfully (JSON takes String, Boolean,"
                    + " Integer, Long, Double, and Lists and string-keyed Maps of them); store a plain value, or switch"
                    + " on Java serialization with an allow-list that covers this class (fastmmap.session.serialization"
                    + ".java-allowed-classes, or DefaultAttributeSerializer.withJavaSerialization)");
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
        return bytes.toByteArray();
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
                    return readJava(name, bytes);
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

    private Object readJava(String name, byte[] bytes) throws IOException {
        if (javaFilter == null) {
            throw new SessionSerializationException("session attribute \"" + name + "\" was stored with Java"
                    + " serialization, which is switched off here; switch it on with an allow-list"
                    + " (fastmmap.session.serialization.java-allowed-classes) in every process sharing the file");
        }
        try (ObjectInputStream in = new FilteredObjectInputStream(new ByteArrayInputStream(bytes, 1,
                bytes.length - 1))) {
            in.setObjectInputFilter(javaFilter);
            return in.readObject();
        } catch (java.io.InvalidClassException e) {
            throw new SessionSerializationException("session attribute \"" + name + "\" holds a class the allow-list"
                    + " refuses or a different version of it (" + e.getMessage() + "); allowed: " + allowList
                    + "; add the class or its package to fastmmap.session.serialization.java-allowed-classes if it"
                    + " is yours and trusted", e);
        } catch (ClassNotFoundException e) {
            throw new SessionSerializationException("session attribute \"" + name + "\" holds class "
                    + e.getMessage() + ", which this application cannot load; every process sharing the file needs"
                    + " the same classes", e);
        }
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

    /** Values whose JSON round trip gives back an equal value of the same type. */
    static boolean isJsonValue(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return true;
        }
        if (value instanceof Double d) {
            return !d.isNaN() && !d.isInfinite();
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (element != null && !isJsonValue(element)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
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
        return "DefaultAttributeSerializer[json" + (javaFilter == null ? "" : ", java allow-list " + allowList) + "]";
    }
}
