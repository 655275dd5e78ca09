package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of double in shared memory without a lock, like Python's
 * {@code RawArray('d', n)}. Element reads are acquire loads and writes release stores; a
 * read-modify-write of an element races between processes unless done under a lock.
 */
public class RawDoubleArray extends SharedData {
    private static final long serialVersionUID = 1L;

    RawDoubleArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements (0 or more). */
    public static RawDoubleArray create(final int length) {
        return new RawDoubleArray(allocate(ArrayDescriptor.TYPE_DOUBLE, length), null);
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static RawDoubleArray of(final double... values) {
        return new RawDoubleArray(allocate(values), null);
    }

    static SharedFile allocate(final double[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must be a double[], got null");
        }
        SharedFile f = allocate(ArrayDescriptor.TYPE_DOUBLE, values.length);
        for (int i = 0; i < values.length; i++) {
            f.setDoubleRelease(ArrayDescriptor.DATA_OFFSET + (i << 3), values[i]);
        }
        return f;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code index} (acquire load). */
    public double get(final int index) {
        return file.getDoubleAcquire(offset(index, 3));
    }

    /** Stores {@code value} at {@code index} (release store). */
    public void set(final int index, final double value) {
        file.setDoubleRelease(offset(index, 3), value);
    }

    /** A copy of the elements (not a consistent snapshot while others write; the synchronized variant locks). */
    public double[] toArray() {
        double[] out = new double[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = file.getDoubleAcquire(ArrayDescriptor.DATA_OFFSET + (i << 3));
        }
        return out;
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_DOUBLE;
    }

    /** The elements like Python's list: {@code [4, 9, 25]}. */
    @Override
    public String toString() {
        if (file.isClosed()) {
            return "[closed]";
        }
        return format(toArray());
    }

    static String format(final double[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i]);
        }
        return sb.append(']').toString();
    }
}
