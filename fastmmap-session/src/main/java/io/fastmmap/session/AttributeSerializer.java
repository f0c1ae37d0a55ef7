package io.fastmmap.session;

/**
 * Turns one session attribute value into bytes and back. The store calls it outside any page lock; merges only
 * move the bytes. {@link DefaultAttributeSerializer#standard()} is the default (JSON for plain values, Java
 * serialization behind an allow-list for the rest).
 */
public interface AttributeSerializer {
    /**
     * @param name the attribute's name, for error messages
     * @param value a non-null value
     * @return its bytes
     * @throws SessionSerializationException when the value cannot be serialized, saying how to make it work
     */
    byte[] serialize(String name, Object value);

    /**
     * @param name the attribute's name, for error messages
     * @param bytes what {@link #serialize} returned, possibly in another process
     * @return the value
     * @throws SessionSerializationException when the bytes cannot be read back, saying why
     */
    Object deserialize(String name, byte[] bytes);

    /**
     * Lets the store skip deserializing a value it has just serialized: when this returns true for an immutable value
     * (a String, a boxed number, a {@code java.time} value), the store hands that very value to the next request that
     * finds the session unchanged, instead of deserializing its bytes.
     *
     * @param value a non-null value
     * @return true only when {@link #deserialize} of {@link #serialize}'s bytes always gives a value of the same class,
     *     equal to {@code value}; false (the default) when unsure
     */
    default boolean readsBackEqual(Object value) {
        return false;
    }
}
