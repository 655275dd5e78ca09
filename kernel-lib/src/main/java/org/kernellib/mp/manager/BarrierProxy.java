package org.kernellib.mp.manager;

import java.io.Serializable;
import java.time.Duration;

/**
 * Python's {@code manager.Barrier(parties, timeout)}: processes wait in {@link #await()} until
 * {@code parties} of them arrived. A timeout, {@link #abort()}, or a waiting party that goes away
 * breaks it: every waiter gets {@link org.kernellib.mp.shared.sync.BrokenBarrierException}.
 */
public final class BarrierProxy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    BarrierProxy(final ProxyTarget target) {
        this.target = target;
    }

    /** Waits (up to the barrier's default timeout, if it has one); returns this party's arrival index, 0 first. */
    public int await() {
        return (Integer) target.call("await", (Object) null);
    }

    public int await(final Duration timeout) {
        return (Integer) target.call("await", Math.max(0, timeout.toNanos() / 1e9));
    }

    public int parties() {
        return (Integer) target.call("parties");
    }

    public int nWaiting() {
        return (Integer) target.call("nWaiting");
    }

    public boolean isBroken() {
        return (Boolean) target.call("isBroken");
    }

    public void abort() {
        target.call("abort");
    }

    public void reset() {
        target.call("reset");
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof BarrierProxy && ((BarrierProxy) o).target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return "BarrierProxy(" + target + ")";
    }
}
