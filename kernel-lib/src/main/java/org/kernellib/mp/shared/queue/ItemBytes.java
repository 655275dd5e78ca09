package org.kernellib.mp.shared.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * An element as the bytes of its Java serialization, and back, read exactly as a queue reads the
 * elements it carries (classes through the thread's context class loader, the same checks). For
 * a {@link org.kernellib.mp.connection.Connection}, whose messages may be larger than a ring.
 */
public final class ItemBytes {
    private ItemBytes() {
    }

    /** Serializes {@code item} (any Serializable object or null). */
    public static byte[] toBytes(final Object item) {
        if (item != null && !(item instanceof Serializable)) {
            throw new IllegalArgumentException("messages must be Serializable; got a " + item.getClass().getName()
                    + ", which is not");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(item);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("message " + item.getClass().getName() + " cannot be serialized: it refers to a "
                    + e.getMessage() + ", which is not Serializable", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize a " + item.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    /** The object that {@link #toBytes(Object)} serialized. */
    public static Object fromBytes(final byte[] bytes) {
        return ItemCodec.deserialize(bytes);
    }
}
