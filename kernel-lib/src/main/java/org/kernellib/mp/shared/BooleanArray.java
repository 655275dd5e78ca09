package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of boolean in shared memory with a lock, like Python's {@code Array('?', n)}.
 * {@link #toArray()} and {@link #toString()} hold the lock for a consistent copy; single element
 * accesses do not; hold the lock ({@code try (var held = a.hold()) { ... }}) for compound updates.
 */
public final class BooleanArray extends RawBooleanArray {
    private static final long serialVersionUID = 1L;

    BooleanArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements with a new {@link RLock}. */
    public static BooleanArray create(final int length) {
        BooleanArray a = new BooleanArray(allocate(ArrayDescriptor.TYPE_BOOLEAN, length), RLock.create());
        a.ownsLock = true;
        return a;
    }

    /** Creates a zero-filled shared array guarded by {@code lock}. */
    public static BooleanArray create(final int length, final SemLock lock) {
        if (lock == null) {
            throw new IllegalArgumentException("lock must be a shared Lock or RLock, got null (use RawBooleanArray for none)");
        }
        return new BooleanArray(allocate(ArrayDescriptor.TYPE_BOOLEAN, length), lock);
    }

    /** Creates a shared array holding a copy of {@code values}, with a new {@link RLock}. */
    public static BooleanArray of(final boolean... values) {
        BooleanArray a = new BooleanArray(allocate(values), RLock.create());
        a.ownsLock = true;
        return a;
    }

    /** The lock that guards this array (Python's {@code get_lock()}). */
    public SemLock getLock() {
        return lock;
    }

    /** Acquires the lock for try-with-resources. */
    public Held hold() {
        return lock.hold();
    }

    /** A consistent copy, taken under the lock. */
    @Override
    public boolean[] toArray() {
        try (Held held = lock.hold()) {
            return super.toArray();
        }
    }
}
