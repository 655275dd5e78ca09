package org.kernellib.mp.cluster;

import java.util.concurrent.TimeUnit;

import org.apache.ignite.IgniteSemaphore;

/**
 * A counting semaphore of the whole cluster, with the methods of kernel-lib's {@code Semaphore}.
 * Failover-safe ({@code IgniteSemaphore}): the permits a dead node held come back.
 */
public final class ClusterSemaphore extends ClusterAcquirable {
    private static final long serialVersionUID = 1L;

    private final int permits;
    private transient IgniteSemaphore semaphore;

    ClusterSemaphore(final Cluster cluster, final String name, final int permits) {
        super(cluster, name);
        if (permits < 0) {
            throw new IllegalArgumentException("a semaphore's value must be 0 or more, not " + permits);
        }
        this.permits = permits;
        semaphore();
    }

    private IgniteSemaphore semaphore() {
        IgniteSemaphore s = semaphore;
        if (s == null || s.removed()) {
            s = ignite().semaphore(name, permits, true, true);
            semaphore = s;
        }
        return s;
    }

    @Override
    void take() {
        semaphore().acquire();
    }

    @Override
    boolean tryTake() {
        return semaphore().tryAcquire();
    }

    @Override
    boolean tryTake(final long timeout, final TimeUnit unit) {
        return semaphore().tryAcquire(timeout, unit);
    }

    @Override
    void give() {
        semaphore().release();
    }

    /** The permits free now. */
    public int getValue() {
        return call("getValue()", () -> semaphore().availablePermits());
    }

    @Override
    public String toString() {
        return "ClusterSemaphore(" + name + ", value=" + getValue() + ")";
    }
}
