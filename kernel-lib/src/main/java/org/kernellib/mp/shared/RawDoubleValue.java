package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A single double in shared memory without a lock, like Python's {@code RawValue('d')}.
 * {@link #get()} is an acquire load and {@link #set(double)} a release store, so
 * {@code v.set(v.get() + 1)} races between processes as in Python. Use the lock of a {@link DoubleValue} for updates that must not be lost.
 */
public class RawDoubleValue extends SharedData {
    private static final long serialVersionUID = 1L;

    RawDoubleValue(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared double holding {@code initial}. */
    public static RawDoubleValue create(final double initial) {
        return new RawDoubleValue(allocate(initial), null);
    }

    static SharedFile allocate(final double initial) {
        SharedFile f = allocate(ArrayDescriptor.TYPE_DOUBLE, 1);
        f.setDoubleRelease(ArrayDescriptor.DATA_OFFSET, initial);
        return f;
    }

    /** The current value (acquire load). */
    public double get() {
        return file.getDoubleAcquire(ArrayDescriptor.DATA_OFFSET);
    }

    /** Stores {@code value} (release store); not atomic with a preceding {@link #get()}. */
    public void set(final double value) {
        file.setDoubleRelease(ArrayDescriptor.DATA_OFFSET, value);
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_DOUBLE;
    }

    @Override
    public String toString() {
        return file.isClosed() ? "RawValue('d', closed)" : "RawValue('d', " + get() + ")";
    }
}
