package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A single double in shared memory with a lock, like Python's {@code Value('d')}. The lock is an
 * {@link RLock} unless another lock is given; hold it for compound updates:
 * {@code try (var held = v.hold()) { v.set(v.get() + 1); }}. Single {@link #get()} and
 * {@link #set(double)} calls do not take the lock: they are single machine accesses already.
 */
public final class DoubleValue extends RawDoubleValue {
    private static final long serialVersionUID = 1L;

    DoubleValue(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a shared double holding {@code initial}, with a new {@link RLock}. */
    public static DoubleValue create(final double initial) {
        DoubleValue v = new DoubleValue(allocate(initial), RLock.create());
        v.ownsLock = true;
        return v;
    }

    /** Creates a shared double holding {@code initial}, guarded by {@code lock} (shared with others). */
    public static DoubleValue create(final double initial, final SemLock lock) {
        if (lock == null) {
            throw new IllegalArgumentException("lock must be a shared Lock or RLock, got null (use RawDoubleValue for none)");
        }
        return new DoubleValue(allocate(initial), lock);
    }

    /** The lock that guards this value (Python's {@code get_lock()}). */
    public SemLock getLock() {
        return lock;
    }

    /** Acquires the lock for try-with-resources. */
    public Held hold() {
        return lock.hold();
    }

    @Override
    public String toString() {
        return file.isClosed() ? "Value('d', closed)" : "Value('d', " + get() + ")";
    }
}
