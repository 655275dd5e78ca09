package org.kernellib.mp.manager;

import java.io.Serializable;
import java.time.Duration;

/** Python's {@code manager.Event()}: a flag held by the manager that processes wait for. */
public final class EventProxy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    EventProxy(final ProxyTarget target) {
        this.target = target;
    }

    public void set() {
        target.call("set");
    }

    public void clear() {
        target.call("clear");
    }

    public boolean isSet() {
        return (Boolean) target.call("isSet");
    }

    /** Waits until the flag is set; returns true. Python's {@code wait()}. */
    public boolean await() {
        return (Boolean) target.call("await", -1.0);
    }

    /** Waits at most {@code timeout}; returns whether the flag is set. */
    public boolean await(final Duration timeout) {
        return (Boolean) target.call("await", Math.max(0, timeout.toNanos() / 1e9));
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof EventProxy && ((EventProxy) o).target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return "EventProxy(" + target + ")";
    }
}
