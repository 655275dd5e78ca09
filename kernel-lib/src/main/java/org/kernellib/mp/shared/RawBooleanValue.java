package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A single boolean in shared memory without a lock, like Python's {@code RawValue('?')}.
 * {@link #get()} is an acquire load and {@link #set(boolean)} a release store, so
 * {@code v.set(v.get() + 1)} races between processes as in Python. Use the lock of a {@link BooleanValue} for updates that must not be lost.
 */
public class RawBooleanValue extends SharedData {
    private static final long serialVersionUID = 1L;

    RawBooleanValue(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared boolean holding {@code initial}. */
    public static RawBooleanValue create(final boolean initial) {
        return new RawBooleanValue(allocate(initial), null);
    }

    static SharedFile allocate(final boolean initial) {
        SharedFile f = allocate(ArrayDescriptor.TYPE_BOOLEAN, 1);
        f.setByteRelease(ArrayDescriptor.DATA_OFFSET, (byte) (initial ? 1 : 0));
        return f;
    }

    /** The current value (acquire load). */
    public boolean get() {
        return file.getByteAcquire(ArrayDescriptor.DATA_OFFSET) != 0;
    }

    /** Stores {@code value} (release store); not atomic with a preceding {@link #get()}. */
    public void set(final boolean value) {
        file.setByteRelease(ArrayDescriptor.DATA_OFFSET, (byte) (value ? 1 : 0));
    }

    @Override
    int elementType() {
        return ArrayDescriptor.TYPE_BOOLEAN;
    }

    @Override
    public String toString() {
        return file.isClosed() ? "RawValue('?', closed)" : "RawValue('?', " + get() + ")";
    }
}
