package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A single int in shared memory without a lock, like Python's {@code RawValue('i')}.
 * {@link #get()} is an acquire load and {@link #set(int)} a release store, so
 * {@code v.set(v.get() + 1)} races between processes as in Python. Use the atomic methods (or the lock of an {@link IntValue}) for updates that must not be lost.
 */
public class RawIntValue extends SharedData {
    private static final long serialVersionUID = 1L;

    RawIntValue(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared int holding {@code initial}. */
    public static RawIntValue create(final int initial) {
        return new RawIntValue(allocate(initial), null);
    }

    static SharedFile allocate(final int initial) {
        SharedFile f = allocate(ArrayDescriptor.TYPE_INT, 1);
        f.setIntRelease(ArrayDescriptor.DATA_OFFSET, initial);
        return f;
    }

    /** The current value (acquire load). */
    public int get() {
        return file.getIntAcquire(ArrayDescriptor.DATA_OFFSET);
    }

    /** Stores {@code value} (release store); not atomic with a preceding {@link #get()}. */
    public void set(final int value) {
        file.setIntRelease(ArrayDescriptor.DATA_OFFSET, value);
    }

    /** Atomically adds {@code delta} and returns the new value (exact across processes). */
    public int addAndGet(final int delta) {
        return file.getAndAddInt(ArrayDescriptor.DATA_OFFSET, delta) + delta;
    }

    /** Atomically adds {@code delta} and returns the previous value. */
    public int getAndAdd(final int delta) {
        return file.getAndAddInt(ArrayDescriptor.DATA_OFFSET, delta);
    }

    /** Atomically adds one and returns the new value. */
    public int incrementAndGet() {
        return file.getAndAddInt(ArrayDescriptor.DATA_OFFSET, 1) + 1;
    }

    /** Atomically subtracts one and returns the new value. */
    public int decrementAndGet() {
        return file.getAndAddInt(ArrayDescriptor.DATA_OFFSET, -1) - 1;
    }

    /** Atomically sets {@code value} if the current value is {@code expected}; true when it did. */
    public boolean compareAndSet(final int expected, final int value) {
        return file.compareAndSetInt(ArrayDescriptor.DATA_OFFSET, expected, value);
    }

    /** Atomically sets {@code value} and returns the previous value. */
    public int getAndSet(final int value) {
        return file.getAndSetInt(ArrayDescriptor.DATA_OFFSET, value);
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_INT;
    }

    @Override
    public String toString() {
        return file.isClosed() ? "RawValue('i', closed)" : "RawValue('i', " + get() + ")";
    }
}
