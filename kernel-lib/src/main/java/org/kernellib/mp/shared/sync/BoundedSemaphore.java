package org.kernellib.mp.shared.sync;

import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A semaphore whose value may not exceed its initial value: releasing more often than acquiring
 * throws, like Python's {@code multiprocessing.BoundedSemaphore}.
 */
public final class BoundedSemaphore extends Semaphore {
    private static final long serialVersionUID = 1L;

    BoundedSemaphore(final SharedFile file) {
        super(file, SemLockDescriptor.KIND_BOUNDED_SEMAPHORE);
    }

    /** Creates a bounded semaphore with {@code value} permits, which is also its bound. */
    public static BoundedSemaphore create(final int value) {
        checkValue(value);
        return new BoundedSemaphore(create(SemLockDescriptor.KIND_BOUNDED_SEMAPHORE, value, value));
    }
}
