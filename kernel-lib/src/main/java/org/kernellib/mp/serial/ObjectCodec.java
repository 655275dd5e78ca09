package org.kernellib.mp.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;

/**
 * The one way a value is copied to another process and back, whatever carries it: a queue item, a
 * pipe message, a pool item, argument or result. It copies what a {@code Process} copies of the
 * notebook's variables: Serializable objects, and objects of classes written in the notebook that
 * are not Serializable (records above all), field by field ({@link SnippetObject}); collections of
 * either. What belongs to this process (a thread, a socket, a {@link ProcessLocal} pool) is refused
 * with one error naming the value's type and what carried it. Reading goes through
 * {@link ShippingObjectInputStream} and its {@link DeserializationLimits}.
 */
public final class ObjectCodec {
    private ObjectCodec() {
    }

    /** The bytes of {@code value}; throws what serialization throws (to find a culprit among several). */
    public static byte[] serialize(final Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new SnippetAwareObjectOutputStream(bytes, true)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /**
     * The bytes of {@code value}.
     *
     * @param what what carries it, for the error ("a queue item")
     * @throws IllegalArgumentException naming the value's type and the part that cannot be copied
     */
    public static byte[] write(final Object value, final String what) {
        try {
            return serialize(value);
        } catch (IOException | RuntimeException e) {
            throw cannotCopy(what, value, e);
        }
    }

    /** Reads a value written by {@link #write}, resolving classes through {@code loader}. */
    public static Object read(final InputStream in, final ClassLoader loader, final String what)
            throws IOException, ClassNotFoundException {
        return ShippingObjectInputStream.read(in, loader, what);
    }

    /** The error for {@code value} that failed to serialize with {@code e}, carried as {@code what}. */
    public static IllegalArgumentException cannotCopy(final String what, final Object value, final Exception e) {
        String type = value == null ? "null" : value.getClass().getName();
        String part = e instanceof NotSerializableException ? e.getMessage() : null;
        String holds = part == null ? ": " + e
                : part.equals(type) ? ", which cannot be copied" : ", which holds a " + part + ", which cannot be copied";
        return new IllegalArgumentException("cannot send " + what + " (a " + type + ") to another process" + holds
                + ". Values are copied the way a Process copies variables: Serializable objects, and objects of"
                + " classes written in the notebook field by field; a thread, a socket or a pool belongs to its"
                + " process, so make it in the other process instead.", e);
    }
}
