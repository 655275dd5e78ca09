package org.kernellib.mp.cluster;

import org.apache.ignite.IgniteAtomicLong;

/**
 * A long shared by every node of a cluster, with the methods of kernel-lib's {@code LongValue}
 * (Python's {@code Value('q')}): single operations are atomic cluster-wide ({@code Ignite}'s
 * {@code IgniteAtomicLong}); hold {@link #getLock()} for compound updates, exactly as locally:
 * {@code try (var held = v.hold()) { v.set(v.get() + 1); }}. Each operation is a network round
 * trip (about a millisecond), not a memory access.
 */
public final class ClusterLongValue extends ClusterObject {
    private static final long serialVersionUID = 1L;

    private final ClusterLock lock;
    private transient IgniteAtomicLong value;

    ClusterLongValue(final Cluster cluster, final String name, final long initial) {
        super(cluster, name);
        this.lock = new ClusterLock(cluster, name + ".lock");
        this.value = ignite().atomicLong(name, atomics(), initial, true);
    }

    private IgniteAtomicLong value() {
        IgniteAtomicLong v = value;
        if (v == null || v.removed()) {
            v = ignite().atomicLong(name, atomics(), 0, true);
            value = v;
        }
        return v;
    }

    public long get() {
        return call("get()", () -> value().get());
    }

    public void set(final long v) {
        call("set()", () -> value().getAndSet(v));
    }

    public long addAndGet(final long delta) {
        return call("addAndGet()", () -> value().addAndGet(delta));
    }

    public long getAndAdd(final long delta) {
        return call("getAndAdd()", () -> value().getAndAdd(delta));
    }

    public long incrementAndGet() {
        return call("incrementAndGet()", () -> value().incrementAndGet());
    }

    public long decrementAndGet() {
        return call("decrementAndGet()", () -> value().decrementAndGet());
    }

    public boolean compareAndSet(final long expected, final long v) {
        return call("compareAndSet()", () -> value().compareAndSet(expected, v));
    }

    public long getAndSet(final long v) {
        return call("getAndSet()", () -> value().getAndSet(v));
    }

    /** The lock that guards compound updates (Python's {@code get_lock()}). */
    public ClusterLock getLock() {
        return lock;
    }

    /** Takes the lock for try-with-resources. */
    public ClusterHeld hold() {
        return lock.hold();
    }

    @Override
    public String toString() {
        return "ClusterValue('q', " + name + ")";
    }
}
