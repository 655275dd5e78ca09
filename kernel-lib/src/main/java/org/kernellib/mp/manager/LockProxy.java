package org.kernellib.mp.manager;

import java.io.Serializable;
import java.time.Duration;

/**
 * Python's {@code manager.Lock()}: a lock held by the manager, with no owner (any holder of the
 * proxy may release it, as with {@code threading.Lock}). A caller that is interrupted, or whose
 * process dies, while it waits in {@link #acquire()} does not take the lock. A process that dies
 * while holding it does not give it back (as in Python); prefer a shared-memory {@code lock()}
 * when that matters, which does.
 */
public final class LockProxy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    LockProxy(final ProxyTarget target) {
        this.target = target;
    }

    /** Waits for the lock without limit; returns true. */
    public boolean acquire() {
        return (Boolean) target.call("acquire", true, -1.0);
    }

    /** Python's {@code acquire(block, timeout)}: a negative timeout waits without limit. */
    public boolean acquire(final boolean block, final double timeoutSeconds) {
        if (Double.isNaN(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        return (Boolean) target.call("acquire", block, timeoutSeconds);
    }

    /** Takes the lock only if it is free now. */
    public boolean tryAcquire() {
        return acquire(false, 0);
    }

    public boolean tryAcquire(final Duration timeout) {
        return acquire(true, timeout.toNanos() / 1e9);
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalStateException when it is not held (Python: RuntimeError)
     */
    public void release() {
        target.call("release");
    }

    public boolean isLocked() {
        return (Boolean) target.call("locked");
    }

    /** Acquires, and releases when the returned handle closes: {@code try (var h = lock.hold()) {...}}. */
    public Holding hold() {
        acquire();
        return new Holding(this);
    }

    /** A held manager lock, released once by {@link #close()}. */
    public static final class Holding implements AutoCloseable {
        private final LockProxy lock;
        private boolean released;

        Holding(final LockProxy lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                lock.release();
            }
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof LockProxy && ((LockProxy) o).target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return "LockProxy(" + target + ")";
    }
}
