package org.kernellib.mp.manager;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.ShippingObjectInputStream;

/**
 * Frames between a proxy's process and its manager, each in the layout of
 * {@link org.kernellib.mp.connection.FrameDescriptor} (so the manager reuses
 * {@link org.kernellib.mp.connection.FrameChannel}). A connection carries one call at a time: the
 * caller sends a {@link #CALL} and waits for its {@link #RESULT} or {@link #ERROR}. A process opens
 * as many connections as it has threads calling at once (see {@link ManagerConnections}).
 * <ul>
 * <li>{@link #HELLO} caller to manager, first frame: {@code UTF token, long pid}. A wrong token
 *     closes the connection unanswered.</li>
 * <li>{@link #CALL} caller to manager: {@code long objectId, UTF operation, int n, n bytes of the
 *     argument array encoded by ObjectCodec}. Object 0 is the manager itself (operations
 *     {@code create} with the kind and its arguments, answered with the new object's id, and
 *     {@code shutdown}).</li>
 * <li>{@link #RESULT} manager to caller: the result encoded by ObjectCodec.</li>
 * <li>{@link #ERROR} manager to caller: the exception the operation threw, encoded by ObjectCodec,
 *     or, if it cannot be, a {@link ManagerException} carrying its class and message.</li>
 * </ul>
 * Values are decoded through {@link ShippingObjectInputStream}, that is behind
 * {@link org.kernellib.mp.serial.DeserializationLimits}, on both sides.
 */
final class ManagerProtocol {
    static final byte HELLO = 60;
    static final byte CALL = 61;
    static final byte RESULT = 62;
    static final byte ERROR = 63;

    /** The id of the manager itself, the target of {@code create} and {@code shutdown}. */
    static final long MANAGER_ID = 0;

    private ManagerProtocol() {
    }

    /** A decoded CALL frame. */
    record Call(long objectId, String operation, byte[] arguments) {
    }

    static byte[] hello(final String token, final long pid) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(token);
            out.writeLong(pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The token of a HELLO payload. */
    static String helloToken(final byte[] payload) throws IOException {
        return new DataInputStream(new ByteArrayInputStream(payload)).readUTF();
    }

    static byte[] call(final long objectId, final String operation, final Object[] args) {
        byte[] encoded = ObjectCodec.write(args, "an argument of the manager call " + operation);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length + 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(objectId);
            out.writeUTF(operation);
            out.writeInt(encoded.length);
            out.write(encoded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Call readCall(final byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        long id = in.readLong();
        String op = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("corrupt manager call: " + n + " argument bytes announced, " + in.available() + " present");
        }
        byte[] args = new byte[n];
        in.readFully(args);
        return new Call(id, op, args);
    }

    /** Decodes a value another process encoded, resolving classes through {@code loader}. */
    static Object decode(final byte[] bytes, final ClassLoader loader, final String what) {
        try {
            return ShippingObjectInputStream.read(bytes, loader, what);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot read " + what + ": its class " + e.getMessage()
                    + " is not known in this process", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }
}
