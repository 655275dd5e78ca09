package org.kernellib.mp.shared.sync;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A reentrant lock shared by threads and processes, like Python's {@code multiprocessing.RLock}:
 * the owning thread may acquire it again and must release it as often; only the owner releases.
 * Robust like {@link Lock}.
 */
public final class RLock extends SemLock {
    private static final long serialVersionUID = 1L;

    RLock(final SharedFile file) {
        super(file, SemLockDescriptor.KIND_RLOCK);
    }

    /** Creates a new unlocked RLock in shared memory. */
    public static RLock create() {
        return new RLock(create(SemLockDescriptor.KIND_RLOCK, 0, 1));
    }

    /** True when the calling thread holds it. */
    public boolean isHeldByCurrentThread() {
        return file.getLongVolatile(SemLockDescriptor.OWNER_TOKEN_OFFSET) == ProcessIdentity.currentToken();
    }

    /** How many times the owner has acquired it (0 when free); exact only for the owner. */
    public int getHoldCount() {
        return isHeldByCurrentThread() ? file.getIntPlain(SemLockDescriptor.RECURSION_OFFSET) : 0;
    }

    /** True when some thread of some process holds it (a snapshot). */
    public boolean isLocked() {
        return file.getLongVolatile(SemLockDescriptor.OWNER_TOKEN_OFFSET) != 0;
    }
}
