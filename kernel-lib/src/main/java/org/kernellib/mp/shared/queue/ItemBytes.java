package org.kernellib.mp.shared.queue;

import org.kernellib.mp.serial.ObjectCodec;

/**
 * An element as the bytes of its Java serialization, and back, read exactly as a queue reads the
 * elements it carries (classes through the thread's context class loader, the same checks). For
 * a {@link org.kernellib.mp.connection.Connection}, whose messages may be larger than a ring.
 */
public final class ItemBytes {
    private ItemBytes() {
    }

    /**
     * Serializes {@code item} as a queue serializes its items ({@link ObjectCodec}: Serializable
     * objects, notebook records and classes, collections of them), with the same clear error for
     * what cannot travel.
     */
    public static byte[] toBytes(final Object item) {
        return ObjectCodec.write(item, "a pipe message");
    }

    /** The object that {@link #toBytes(Object)} serialized. */
    public static Object fromBytes(final byte[] bytes) {
        return ItemCodec.deserialize(bytes);
    }
}
