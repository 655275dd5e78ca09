package org.kernellib.mp.cluster;

import java.util.concurrent.TimeUnit;

/**
 * What a cluster lock and a cluster semaphore share: kernel-lib's {@code acquire}/{@code release}
 * methods, and {@code hold()} for try-with-resources, over one Ignite primitive each (which the
 * subclass finds by name, and finds again if Ignite removed it), each failing with a clear
 * {@link ClusterException} when this JVM lost the cluster.
 */
abstract class ClusterAcquirable extends ClusterObject {
    private static final long serialVersionUID = 1L;

    ClusterAcquirable(final Cluster cluster, final String name) {
        super(cluster, name);
    }

    abstract void take();

    abstract boolean tryTake();

    abstract boolean tryTake(long timeout, TimeUnit unit);

    abstract void give();

    /** Blocks until it is taken; always true (as Python's {@code acquire()}). */
    public boolean acquire() {
        return call("acquire()", () -> {
            take();
            return true;
        });
    }

    /** Takes it if it is free now. */
    public boolean tryAcquire() {
        return call("tryAcquire()", this::tryTake);
    }

    /** Takes it if it becomes free within the timeout. */
    public boolean tryAcquire(final long timeout, final TimeUnit unit) {
        return call("tryAcquire(timeout)", () -> tryTake(timeout, unit));
    }

    public void release() {
        call("release()", () -> {
            give();
            return null;
        });
    }

    /** Takes it for try-with-resources: {@code try (var held = lock.hold()) { ... }}. */
    public ClusterHeld hold() {
        acquire();
        return new ClusterHeld(this::release);
    }
}
