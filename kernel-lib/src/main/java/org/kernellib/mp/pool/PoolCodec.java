package org.kernellib.mp.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.kernellib.mp.serial.ObjectCodec;
import org.kernellib.mp.serial.ShippingObjectInputStream;

/**
 * How a chunk's items and results are written: arrays made only of {@code Integer}s, only of
 * {@code Long}s, only of {@code Double}s or only of {@code String}s (the common cases of a
 * map over numbers or words) are written as plain values, which costs a fraction of Java
 * serialization per element; anything else, nulls included, goes through {@link ObjectCodec}, as
 * queue items and a Process's copied variables do.
 */
final class PoolCodec {
    private static final byte SERIALIZED = 0;
    private static final byte INTS = 1;
    private static final byte LONGS = 2;
    private static final byte DOUBLES = 3;
    private static final byte STRINGS = 4;

    private PoolCodec() {
    }

    static byte[] encode(final Object[] values) throws IOException {
        byte kind = kindOf(values);
        ByteArrayOutputStream bos = new ByteArrayOutputStream(16 + values.length * (kind == INTS ? 4 : 8));
        bos.write(kind);
        if (kind == SERIALIZED) {
            bos.write(ObjectCodec.serialize(values));
            return bos.toByteArray();
        }
        if (kind == STRINGS) {
            try (DataOutputStream out = new DataOutputStream(bos)) {
                out.writeInt(values.length);
                for (Object v : values) {
                    writeString(out, (String) v);
                }
            }
            return bos.toByteArray();
        }
        int width = kind == INTS ? 4 : 8;
        ByteBuffer b = ByteBuffer.allocate(5 + values.length * width);
        b.put(kind).putInt(values.length);
        for (Object v : values) {
            switch (kind) {
                case INTS -> b.putInt((Integer) v);
                case LONGS -> b.putLong((Long) v);
                default -> b.putDouble((Double) v);
            }
        }
        return b.array();
    }

    static Object[] decode(final InputStream in, final ClassLoader loader) throws IOException, ClassNotFoundException {
        int kind = in.read();
        if (kind == SERIALIZED) {
            return (Object[]) ShippingObjectInputStream.read(in, loader, "a pool chunk's items or results");
        }
        DataInputStream d = new DataInputStream(in);
        int n = d.readInt();
        Object[] values = new Object[n];
        if (kind == STRINGS) {
            for (int i = 0; i < n; i++) {
                values[i] = readString(d);
            }
            return values;
        }
        if (kind != INTS && kind != LONGS && kind != DOUBLES) {
            throw new IOException("unknown chunk encoding " + kind);
        }
        ByteBuffer b = ByteBuffer.wrap(d.readNBytes(n * (kind == INTS ? 4 : 8)));
        for (int i = 0; i < n; i++) {
            values[i] = kind == INTS ? (Object) b.getInt() : kind == LONGS ? (Object) b.getLong() : (Object) b.getDouble();
        }
        return values;
    }

    private static byte kindOf(final Object[] values) {
        if (values.length == 0 || values[0] == null) {
            return SERIALIZED;
        }
        Class<?> c = values[0].getClass();
        byte kind = c == Integer.class ? INTS : c == Long.class ? LONGS : c == Double.class ? DOUBLES
                : c == String.class ? STRINGS : SERIALIZED;
        if (kind != SERIALIZED) {
            for (Object v : values) {
                if (v == null || v.getClass() != c) {
                    return SERIALIZED;
                }
            }
        }
        return kind;
    }

    private static void writeString(final DataOutputStream out, final String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(final DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
