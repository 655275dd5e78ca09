package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of int in shared memory without a lock, like Python's
 * {@code RawArray('i', n)}. Element reads are acquire loads and writes release stores; a
 * read-modify-write of an element races between processes unless done atomically or under a lock.
 */
public class RawIntArray extends SharedData {
    private static final long serialVersionUID = 1L;

    RawIntArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements (0 or more). */
    public static RawIntArray create(final int length) {
        return new RawIntArray(allocate(ArrayDescriptor.TYPE_INT, length), null);
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static RawIntArray of(final int... values) {
        return new RawIntArray(allocate(values), null);
    }

    static SharedFile allocate(final int[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must be a int[], got null");
        }
        SharedFile f = allocate(ArrayDescriptor.TYPE_INT, values.length);
        for (int i = 0; i < values.length; i++) {
            f.setIntRelease(ArrayDescriptor.DATA_OFFSET + (i << 2), values[i]);
        }
        return f;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code index} (acquire load). */
    public int get(final int index) {
        return file.getIntAcquire(offset(index, 2));
    }

    /** Stores {@code value} at {@code index} (release store). */
    public void set(final int index, final int value) {
        file.setIntRelease(offset(index, 2), value);
    }

    /** Atomically adds {@code delta} to element {@code index} and returns the new value. */
    public int addAndGet(final int index, final int delta) {
        return file.getAndAddInt(offset(index, 2), delta) + delta;
    }

    /** Atomically adds {@code delta} to element {@code index} and returns the previous value. */
    public int getAndAdd(final int index, final int delta) {
        return file.getAndAddInt(offset(index, 2), delta);
    }

    /** Atomically adds one to element {@code index} and returns the new value. */
    public int incrementAndGet(final int index) {
        return file.getAndAddInt(offset(index, 2), 1) + 1;
    }

    /** Atomically subtracts one from element {@code index} and returns the new value. */
    public int decrementAndGet(final int index) {
        return file.getAndAddInt(offset(index, 2), -1) - 1;
    }

    /** Atomically sets element {@code index} to {@code value} if it is {@code expected}. */
    public boolean compareAndSet(final int index, final int expected, final int value) {
        return file.compareAndSetInt(offset(index, 2), expected, value);
    }

    /** A copy of the elements (not a consistent snapshot while others write; the synchronized variant locks). */
    public int[] toArray() {
        int[] out = new int[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = file.getIntAcquire(ArrayDescriptor.DATA_OFFSET + (i << 2));
        }
        return out;
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_INT;
    }

    /** The elements like Python's list: {@code [4, 9, 25]}. */
    @Override
    public String toString() {
        if (file.isClosed()) {
            return "[closed]";
        }
        return format(toArray());
    }

    static String format(final int[] values) {
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
