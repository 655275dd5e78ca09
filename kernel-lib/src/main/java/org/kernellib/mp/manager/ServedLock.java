package org.kernellib.mp.manager;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The manager's side of a {@link LockProxy}: Python's {@code threading.Lock}, a lock that any
 * holder of the proxy may release (it has no owner), made of a one-permit {@link Semaphore}.
 * An acquire waits on the manager's connection thread; when the caller's connection closes (the
 * caller was interrupted or died), the wait is interrupted and the lock is not taken.
 */
final class ServedLock extends WaitingServed {
    private final Semaphore permit = new Semaphore(1);

    ServedLock() {
        super("acquire");
    }

    @Override
    public Object call(final String operation, final Object[] a) throws InterruptedException {
        switch (operation) {
            case "acquire": {
                boolean block = (Boolean) a[0];
                if (!block) {
                    return permit.tryAcquire();
                }
                long nanos = Served.nanos(a[1]);
                if (nanos == Long.MAX_VALUE) {
                    permit.acquire();
                    return true;
                }
                return permit.tryAcquire(nanos, TimeUnit.NANOSECONDS);
            }
            case "release": {
                synchronized (this) {
                    if (permit.availablePermits() > 0) {
                        throw new IllegalStateException("release of an unlocked lock (Python: RuntimeError)");
                    }
                    permit.release();
                }
                return null;
            }
            case "locked": return permit.availablePermits() == 0;
            default: throw Served.unknown("lock", operation);
        }
    }
}
