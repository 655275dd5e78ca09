package org.kernellib.mp.shared.sync;

import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A non-reentrant mutual-exclusion lock shared by threads and processes, like Python's
 * {@code multiprocessing.Lock}, and robust: if the owning process dies while holding it, the next
 * acquirer gets it and {@link #previousOwnerDied()} is true.
 *
 * <p>As in Python, any thread may release a held Lock; releasing one that is not held throws.
 * Acquiring it again from the owning thread would deadlock, so that throws too.
 */
public final class Lock extends SemLock {
    private static final long serialVersionUID = 1L;

    Lock(final SharedFile file) {
        super(file, SemLockDescriptor.KIND_LOCK);
    }

    /** Creates a new unlocked Lock in shared memory. */
    public static Lock create() {
        return new Lock(create(SemLockDescriptor.KIND_LOCK, 0, 1));
    }

    /** True when some thread of some process holds it (a snapshot). */
    public boolean isLocked() {
        return file.getLongVolatile(SemLockDescriptor.OWNER_TOKEN_OFFSET) != 0;
    }
}
