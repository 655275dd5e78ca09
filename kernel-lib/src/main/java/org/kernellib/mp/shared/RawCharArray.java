package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of char in shared memory without a lock, like Python's
 * {@code RawArray('u', n)}. Element reads are acquire loads and writes release stores; a
 * read-modify-write of an element races between processes unless done under a lock.
 */
public class RawCharArray extends SharedData {
    private static final long serialVersionUID = 1L;

    RawCharArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements (0 or more). */
    public static RawCharArray create(final int length) {
        return new RawCharArray(allocate(ArrayDescriptor.TYPE_CHAR, length), null);
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static RawCharArray of(final char... values) {
        return new RawCharArray(allocate(values), null);
    }

    static SharedFile allocate(final char[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must be a char[], got null");
        }
        SharedFile f = allocate(ArrayDescriptor.TYPE_CHAR, values.length);
        for (int i = 0; i < values.length; i++) {
            f.setCharRelease(ArrayDescriptor.DATA_OFFSET + (i << 1), values[i]);
        }
        return f;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code index} (acquire load). */
    public char get(final int index) {
        return file.getCharAcquire(offset(index, 1));
    }

    /** Stores {@code value} at {@code index} (release store). */
    public void set(final int index, final char value) {
        file.setCharRelease(offset(index, 1), value);
    }

    /** A copy of the elements (not a consistent snapshot while others write; the synchronized variant locks). */
    public char[] toArray() {
        char[] out = new char[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = file.getCharAcquire(ArrayDescriptor.DATA_OFFSET + (i << 1));
        }
        return out;
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_CHAR;
    }

    /** The elements like Python's list: {@code [4, 9, 25]}. */
    @Override
    public String toString() {
        if (file.isClosed()) {
            return "[closed]";
        }
        return format(toArray());
    }

    static String format(final char[] values) {
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
