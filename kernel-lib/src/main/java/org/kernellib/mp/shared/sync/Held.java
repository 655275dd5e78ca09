package org.kernellib.mp.shared.sync;

/**
 * A held lock or semaphore permit, released by {@link #close()}: made for try-with-resources,
 * {@code try (var held = lock.hold()) { ... }}.
 */
public final class Held implements AutoCloseable {
    private final SemLock lock;
    private boolean released;

    Held(final SemLock lock) {
        this.lock = lock;
    }

    /**
     * True when the lock was taken over from an owner that died holding it, or the permit came
     * right after giving back a dead holder's permits (see {@link SemLock#previousOwnerDied()}).
     */
    public boolean previousOwnerDied() {
        return lock.previousOwnerDied();
    }

    /** Releases (once; a second close does nothing). */
    @Override
    public void close() {
        if (!released) {
            released = true;
            lock.release();
        }
    }
}
