package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of boolean in shared memory without a lock, like Python's
 * {@code RawArray('?', n)}. Element reads are acquire loads and writes release stores; a
 * read-modify-write of an element races between processes unless done under a lock.
 */
public class RawBooleanArray extends SharedData {
    private static final long serialVersionUID = 1L;

    RawBooleanArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements (0 or more). */
    public static RawBooleanArray create(final int length) {
        return new RawBooleanArray(allocate(ArrayDescriptor.TYPE_BOOLEAN, length), null);
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static RawBooleanArray of(final boolean... values) {
        return new RawBooleanArray(allocate(values), null);
    }

    static SharedFile allocate(final boolean[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must be a boolean[], got null");
        }
        SharedFile f = allocate(ArrayDescriptor.TYPE_BOOLEAN, values.length);
        for (int i = 0; i < values.length; i++) {
            f.setByteRelease(ArrayDescriptor.DATA_OFFSET + (i << 0), (byte) (values[i] ? 1 : 0));
        }
        return f;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code index} (acquire load). */
    public boolean get(final int index) {
        return file.getByteAcquire(offset(index, 0)) != 0;
    }

    /** Stores {@code value} at {@code index} (release store). */
    public void set(final int index, final boolean value) {
        file.setByteRelease(offset(index, 0), (byte) (value ? 1 : 0));
    }

    /** A copy of the elements (not a consistent snapshot while others write; the synchronized variant locks). */
    public boolean[] toArray() {
        boolean[] out = new boolean[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = file.getByteAcquire(ArrayDescriptor.DATA_OFFSET + (i << 0)) != 0;
        }
        return out;
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_BOOLEAN;
    }

    /** The elements like Python's list: {@code [4, 9, 25]}. */
    @Override
    public String toString() {
        if (file.isClosed()) {
            return "[closed]";
        }
        return format(toArray());
    }

    static String format(final boolean[] values) {
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
