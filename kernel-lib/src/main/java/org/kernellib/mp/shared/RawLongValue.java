package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A single long in shared memory without a lock, like Python's {@code RawValue('q')}.
 * {@link #get()} is an acquire load and {@link #set(long)} a release store, so
 * {@code v.set(v.get() + 1)} races between processes as in Python. Use the atomic methods (or the lock of an {@link LongValue}) for updates that must not be lost.
 */
public class RawLongValue extends SharedData {
    private static final long serialVersionUID = 1L;

    RawLongValue(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared long holding {@code initial}. */
    public static RawLongValue create(final long initial) {
        return new RawLongValue(allocate(initial), null);
    }

    static SharedFile allocate(final long initial) {
        SharedFile f = allocate(ArrayDescriptor.TYPE_LONG, 1);
        f.setLongRelease(ArrayDescriptor.DATA_OFFSET, initial);
        return f;
    }

    /** The current value (acquire load). */
    public long get() {
        return file.getLongAcquire(ArrayDescriptor.DATA_OFFSET);
    }

    /** Stores {@code value} (release store); not atomic with a preceding {@link #get()}. */
    public void set(final long value) {
        file.setLongRelease(ArrayDescriptor.DATA_OFFSET, value);
    }

    /** Atomically adds {@code delta} and returns the new value (exact across processes). */
    public long addAndGet(final long delta) {
        return file.getAndAddLong(ArrayDescriptor.DATA_OFFSET, delta) + delta;
    }

    /** Atomically adds {@code delta} and returns the previous value. */
    public long getAndAdd(final long delta) {
        return file.getAndAddLong(ArrayDescriptor.DATA_OFFSET, delta);
    }

    /** Atomically adds one and returns the new value. */
    public long incrementAndGet() {
        return file.getAndAddLong(ArrayDescriptor.DATA_OFFSET, 1) + 1;
    }

    /** Atomically subtracts one and returns the new value. */
    public long decrementAndGet() {
        return file.getAndAddLong(ArrayDescriptor.DATA_OFFSET, -1) - 1;
    }

    /** Atomically sets {@code value} if the current value is {@code expected}; true when it did. */
    public boolean compareAndSet(final long expected, final long value) {
        return file.compareAndSetLong(ArrayDescriptor.DATA_OFFSET, expected, value);
    }

    /** Atomically sets {@code value} and returns the previous value. */
    public long getAndSet(final long value) {
        return file.getAndSetLong(ArrayDescriptor.DATA_OFFSET, value);
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_LONG;
    }

    @Override
    public String toString() {
        return file.isClosed() ? "RawValue('q', closed)" : "RawValue('q', " + get() + ")";
    }
}
