package io.fastmmap.internal.codec;

import io.fastmmap.Codec;
import io.fastmmap.CodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Objects;

/** Java serialization behind an allow-list: whatever the user's filter does not explicitly allow is rejected. */
public final class SerializationCodec<T extends Serializable> implements Codec<T> {
    private final Class<T> type;
    private final ObjectInputFilter filter;

    public SerializationCodec(Class<T> type, ObjectInputFilter allowList) {
        this.type = Objects.requireNonNull(type, "type");
        Objects.requireNonNull(allowList, "allowList: Java serialization is only offered behind an allow-list");
        this.filter = info -> {
            ObjectInputFilter.Status status = allowList.checkInput(info);
            return status == ObjectInputFilter.Status.UNDECIDED && info.serialClass() != null
                    ? ObjectInputFilter.Status.REJECTED
                    : status;
        };
    }

    @Override
    public byte[] encode(T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new CodecException(this + ": cannot serialize a " + value.getClass().getName() + ": " + e
                    + "; every field must be Serializable or transient", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public T decode(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            Object value = in.readObject();
            if (!type.isInstance(value)) {
                throw new CodecException(this + ": the stored object is a " + value.getClass().getName()
                        + ", not a " + type.getName() + "; the entry was written with another value type");
            }
            return type.cast(value);
        } catch (InvalidClassException e) {
            throw new CodecException(this + ": deserialization refused (" + e.getMessage() + "); add the class to "
                    + "the allow-list filter if it is meant to be stored", e);
        } catch (IOException | ClassNotFoundException e) {
            throw new CodecException(this + ": the stored bytes are not a serialized " + type.getName() + " ("
                    + e + ")", e);
        }
    }

    @Override
    public String toString() {
        return "Codec.javaSerialization(" + type.getName() + ")";
    }
}
