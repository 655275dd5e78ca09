package org.kernellib.mp.shared.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.ShippingObjectInputStream;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * Turns queue elements into record payloads and back. Integer, Long, Double, String, byte[] and
 * null have compact encodings written straight into shared memory; anything else goes through
 * {@link ObjectCodec}, so a queue carries what a Process copies (Serializable objects, notebook
 * records and classes) and refuses the rest with the same error. The first payload byte is the
 * type tag.
 */
final class ItemCodec {
    static final byte NULL = 0;
    static final byte INT = 1;
    static final byte LONG = 2;
    static final byte DOUBLE = 3;
    static final byte STRING = 4;
    static final byte BYTES = 5;
    static final byte OBJECT = 6;

    private ItemCodec() {
    }

    /** The element or its bytes, ready for {@link #size(Object)} and {@link #write}. */
    static Object prepare(final Object item) {
        if (item == null || item instanceof Integer || item instanceof Long || item instanceof Double
                || item instanceof byte[]) {
            return item;
        }
        if (item instanceof String) {
            return new Utf8(((String) item).getBytes(StandardCharsets.UTF_8));
        }
        return new Serialized(ObjectCodec.write(item, "a queue item"));
    }

    /** Payload size in bytes, tag included. */
    static int size(final Object prepared) {
        if (prepared == null) {
            return 1;
        }
        if (prepared instanceof Integer) {
            return 5;
        }
        if (prepared instanceof Long || prepared instanceof Double) {
            return 9;
        }
        if (prepared instanceof byte[]) {
            return 1 + ((byte[]) prepared).length;
        }
        if (prepared instanceof Utf8) {
            return 1 + ((Utf8) prepared).bytes.length;
        }
        return 1 + ((Serialized) prepared).bytes.length;
    }

    /** Writes the payload at {@code offset} with plain stores (the ring publishes it). */
    static void write(final SharedFile f, final int offset, final Object prepared) {
        if (prepared == null) {
            f.buffer().put(offset, NULL);
        } else if (prepared instanceof Integer) {
            f.buffer().put(offset, INT);
            f.buffer().putInt(offset + 1, (Integer) prepared);
        } else if (prepared instanceof Long) {
            f.buffer().put(offset, LONG);
            f.buffer().putLong(offset + 1, (Long) prepared);
        } else if (prepared instanceof Double) {
            f.buffer().put(offset, DOUBLE);
            f.buffer().putDouble(offset + 1, (Double) prepared);
        } else if (prepared instanceof byte[]) {
            byte[] b = (byte[]) prepared;
            f.buffer().put(offset, BYTES);
            f.putBytesPlain(offset + 1, b, 0, b.length);
        } else if (prepared instanceof Utf8) {
            byte[] b = ((Utf8) prepared).bytes;
            f.buffer().put(offset, STRING);
            f.putBytesPlain(offset + 1, b, 0, b.length);
        } else {
            byte[] b = ((Serialized) prepared).bytes;
            f.buffer().put(offset, OBJECT);
            f.putBytesPlain(offset + 1, b, 0, b.length);
        }
    }

    /** Reads a payload of {@code length} bytes at {@code offset}. */
    static Object read(final SharedFile f, final int offset, final int length) {
        byte tag = f.buffer().get(offset);
        switch (tag) {
            case NULL:
                return null;
            case INT:
                return f.buffer().getInt(offset + 1);
            case LONG:
                return f.buffer().getLong(offset + 1);
            case DOUBLE:
                return f.buffer().getDouble(offset + 1);
            case BYTES: {
                byte[] b = new byte[length - 1];
                f.getBytesPlain(offset + 1, b, 0, b.length);
                return b;
            }
            case STRING: {
                byte[] b = new byte[length - 1];
                f.getBytesPlain(offset + 1, b, 0, b.length);
                return new String(b, StandardCharsets.UTF_8);
            }
            case OBJECT: {
                byte[] b = new byte[length - 1];
                f.getBytesPlain(offset + 1, b, 0, b.length);
                return deserialize(b);
            }
            default:
                throw new IllegalStateException("corrupt queue record: unknown type tag " + tag + " at offset " + offset);
        }
    }

    /**
     * Reads a serialized item through kernel-lib's one object stream (limits included), resolving
     * classes through the thread's context class loader first (JShell defines classes there).
     */
    static Object deserialize(final byte[] bytes) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            return ShippingObjectInputStream.read(bytes, cl != null ? cl : ItemCodec.class.getClassLoader(), "a queue item");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot read a queue item: its class " + e.getMessage()
                    + " is not on this process's class path", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deserialize a queue item: " + e.getMessage(), e);
        }
    }

    private static final class Utf8 {
        final byte[] bytes;

        Utf8(final byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private static final class Serialized {
        final byte[] bytes;

        Serialized(final byte[] bytes) {
            this.bytes = bytes;
        }
    }
}
