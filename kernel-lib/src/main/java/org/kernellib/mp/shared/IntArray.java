package org.kernellib.mp.shared;

import org.kernellib.mp.shared.memory.SharedFile;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;

// Generated from one template per element type; keep the variants in step.
/**
 * A fixed-length array of int in shared memory with a lock, like Python's {@code Array('i', n)}.
 * {@link #toArray()} and {@link #toString()} hold the lock for a consistent copy; single element
 * accesses do not; hold the lock ({@code try (var held = a.hold()) { ... }}) for compound updates.
 */
public final class IntArray extends RawIntArray {
    private static final long serialVersionUID = 1L;

    IntArray(final SharedFile file, final SemLock lock) {
        super(file, lock);
    }

    /** Creates a zero-filled shared array of {@code length} elements with a new {@link RLock}. */
    public static IntArray create(final int length) {
        IntArray a = new IntArray(allocate(ArrayDescriptor.TYPE_INT, length), RLock.create());
        a.ownsLock = true;
        return a;
    }

    /** Creates a zero-filled shared array guarded by {@code lock}. */
    public static IntArray create(final int length, final SemLock lock) {
        if (lock == null) {
            throw new IllegalArgumentException("lock must be a shared Lock or RLock, got null (use RawIntArray for none)");
        }
        return new IntArray(allocate(ArrayDescriptor.TYPE_INT, length), lock);
    }

    /** Creates a shared array holding a copy of {@code values}, with a new {@link RLock}. */
    public static IntArray of(final int... values) {
        IntArray a = new IntArray(allocate(values), RLock.create());
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
    public int[] toArray() {
        try (Held held = lock.hold()) {
            return super.toArray();
        }
    }
}
