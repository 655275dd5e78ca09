package org.kernellib.mp.manager;

import java.io.Serializable;

/**
 * A value held by a manager, Python's {@code manager.Value(typecode, value)}: any copyable object
 * (Python's manager ignores the typecode too). {@link #get}, {@link #set}, {@link #getAndSet} and
 * {@link #compareAndSet} are each one atomic round-trip to the manager; {@code v.set(v.get() + 1)}
 * is two, and loses updates when several processes do it at once (use a {@link LockProxy}, or a
 * {@code compareAndSet} loop). Compared with a shared-memory {@code intValue}, every access is a
 * message to another process, so it costs microseconds instead of nanoseconds.
 */
public final class ValueProxy<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    ValueProxy(final ProxyTarget target) {
        this.target = target;
    }

    @SuppressWarnings("unchecked")
    public T get() {
        return (T) target.call("get");
    }

    public void set(final T value) {
        target.call("set", value);
    }

    @SuppressWarnings("unchecked")
    public T getAndSet(final T value) {
        return (T) target.call("getAndSet", value);
    }

    /** Sets {@code update} if the value equals {@code expected}; true when it did. */
    public boolean compareAndSet(final T expected, final T update) {
        return (Boolean) target.call("compareAndSet", expected, update);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof ValueProxy && ((ValueProxy<?>) o).target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    /** Shows the value (one round-trip), as Python's proxy repr does. */
    @Override
    public String toString() {
        return "ValueProxy(" + get() + ")";
    }
}
