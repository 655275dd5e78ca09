package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of long in shared memory without a lock, like Python's
 * {@code RawArray('q', n)}. Element reads are acquire loads and writes release stores; a
 * read-modify-write of an element races between processes unless done atomically or under a lock.
 */
public class RawLongArray extends SharedData {
    private static final long serialVersionUID = 1L;

    RawLongArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements (0 or more). */
    public static RawLongArray create(final int length) {
        return new RawLongArray(allocate(ArrayDescriptor.TYPE_LONG, length), null);
    }

    /** Creates a shared array holding a copy of {@code values}. */
    public static RawLongArray of(final long... values) {
        return new RawLongArray(allocate(values), null);
    }

    static SharedFile allocate(final long[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must be a long[], got null");
        }
        SharedFile f = allocate(ArrayDescriptor.TYPE_LONG, values.length);
        for (int i = 0; i < values.length; i++) {
            f.setLongRelease(ArrayDescriptor.DATA_OFFSET + (i << 3), values[i]);
        }
        return f;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code index} (acquire load). */
    public long get(final int index) {
        return file.getLongAcquire(offset(index, 3));
    }

    /** Stores {@code value} at {@code index} (release store). */
    public void set(final int index, final long value) {
        file.setLongRelease(offset(index, 3), value);
    }

    /** Atomically adds {@code delta} to element {@code index} and returns the new value. */
    public long addAndGet(final int index, final long delta) {
        return file.getAndAddLong(offset(index, 3), delta) + delta;
    }

    /** Atomically adds {@code delta} to element {@code index} and returns the previous value. */
    public long getAndAdd(final int index, final long delta) {
        return file.getAndAddLong(offset(index, 3), delta);
    }

    /** Atomically adds one to element {@code index} and returns the new value. */
    public long incrementAndGet(final int index) {
        return file.getAndAddLong(offset(index, 3), 1) + 1;
    }

    /** Atomically subtracts one from element {@code index} and returns the new value. */
    public long decrementAndGet(final int index) {
        return file.getAndAddLong(offset(index, 3), -1) - 1;
    }

    /** Atomically sets element {@code index} to {@code value} if it is {@code expected}. */
    public boolean compareAndSet(final int index, final long expected, final long value) {
        return file.compareAndSetLong(offset(index, 3), expected, value);
    }

    /** A copy of the elements (not a consistent snapshot while others write; the synchronized variant locks). */
    public long[] toArray() {
        long[] out = new long[length];
        for (int i = 0; i < out.length; i++) {
            out[i] = file.getLongAcquire(ArrayDescriptor.DATA_OFFSET + (i << 3));
        }
        return out;
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_LONG;
    }

    /** The elements like Python's list: {@code [4, 9, 25]}. */
    @Override
    public String toString() {
        if (file.isClosed()) {
            return "[closed]";
        }
        return format(toArray());
    }

    static String format(final long[] values) {
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
