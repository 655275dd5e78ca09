package org.kernellib.mp.cluster;

import java.util.concurrent.TimeUnit;

import org.apache.ignite.IgniteLock;

/**
 * A lock of the whole cluster, with the methods of kernel-lib's {@code Lock}: held by one thread
 * of one JVM at a time. Failover-safe ({@code IgniteLock}): when the node holding it dies, the lock
 * is released and the next waiter gets it. Reentrant, like {@code RLock}: release it on the thread
 * that took it.
 */
public final class ClusterLock extends ClusterAcquirable {
    private static final long serialVersionUID = 1L;

    private transient IgniteLock lock;

    ClusterLock(final Cluster cluster, final String name) {
        super(cluster, name);
    }

    private IgniteLock lock() {
        IgniteLock l = lock;
        if (l == null || l.removed()) {
            l = ignite().reentrantLock(name, true, false, true);
            lock = l;
        }
        return l;
    }

    @Override
    void take() {
        lock().lock();
    }

    @Override
    boolean tryTake() {
        return lock().tryLock();
    }

    @Override
    boolean tryTake(final long timeout, final TimeUnit unit) {
        return lock().tryLock(timeout, unit);
    }

    @Override
    void give() {
        lock().unlock();
    }

    /** Whether any thread of any node holds it now. */
    public boolean isLocked() {
        return call("isLocked()", () -> lock().isLocked());
    }

    @Override
    public String toString() {
        return "ClusterLock(" + name + ")";
    }
}
