package org.kernellib.mp.shared.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/** Java serialization round trips, as the Process API will do them. */
public final class Serial {
    private Serial() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T roundTrip(final T value) {
        try {
            return (T) deserialize(serialize(value));
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    public static byte[] serialize(final Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Object deserialize(final byte[] bytes) throws ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
