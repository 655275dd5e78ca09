package org.kernellib.mp.shared.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Hand-made Java serialization streams that no honest writer produces, the way an attacker would
 * write them: small messages that would make a reader overflow its stack or allocate gigabytes.
 */
public final class SerialBombs {
    private SerialBombs() {
    }

    /**
     * {@code Object[]{Object[]{ ... {null} ... }}} nested {@code depth} times: about ten bytes a
     * level (an ObjectOutputStream would overflow its own stack writing it).
     */
    public static byte[] nestedArrays(final int depth) {
        byte[] one = serialize(new Object[] {null}); // header, TC_ARRAY, class descriptor, length 1, TC_NULL
        int descEnd = one.length - 5;
        ByteBuffer b = ByteBuffer.allocate(descEnd + 4 + (depth - 1) * 10 + 1);
        b.put(one, 0, descEnd).putInt(1);
        for (int i = 1; i < depth; i++) {
            // TC_ARRAY, TC_REFERENCE to the class descriptor (the stream's first handle), length 1
            b.put((byte) 0x75).put((byte) 0x71).putInt(0x7E0000).putInt(1);
        }
        b.put((byte) 0x70); // TC_NULL, the innermost element
        return b.array();
    }

    /** A {@code long[]} that announces {@code length} elements and holds none: a few dozen bytes. */
    public static byte[] hugeLongArray(final int length) {
        byte[] empty = serialize(new long[0]);
        ByteBuffer.wrap(empty).putInt(empty.length - 4, length);
        return empty;
    }

    public static byte[] serialize(final Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
