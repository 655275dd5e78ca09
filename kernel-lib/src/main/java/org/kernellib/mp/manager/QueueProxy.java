package org.kernellib.mp.manager;

import java.io.Serializable;
import java.time.Duration;

/**
 * Python's {@code manager.Queue(maxsize)}, and its {@code manager.JoinableQueue(maxsize)}, which
 * is the same {@code queue.Queue} there ({@link #taskDone()}, {@link #join()}): a queue held by
 * the manager. Each call is one
 * round-trip; a get that waits runs in the manager and ends when an item comes, at its timeout
 * ({@link org.kernellib.mp.shared.queue.EmptyException}), or when the caller is interrupted.
 * Slower than a shared-memory {@code queue()}, but a proxy can itself be put into another
 * manager container or queue.
 */
public final class QueueProxy<E> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ProxyTarget target;

    QueueProxy(final ProxyTarget target) {
        this.target = target;
    }

    public void put(final E item) {
        target.call("put", item, true, -1.0);
    }

    /** Python's {@code put(item, block, timeout)}; a full queue at the deadline raises {@code FullException}. */
    public void put(final E item, final boolean block, final double timeoutSeconds) {
        target.call("put", item, block, timeoutSeconds);
    }

    public void putNowait(final E item) {
        put(item, false, 0);
    }

    @SuppressWarnings("unchecked")
    public E get() {
        return (E) target.call("get", true, -1.0);
    }

    /** Waits at most {@code timeout}; throws {@code EmptyException} when nothing came. */
    public E get(final Duration timeout) {
        return get(true, Math.max(0, timeout.toNanos() / 1e9));
    }

    @SuppressWarnings("unchecked")
    public E get(final boolean block, final double timeoutSeconds) {
        return (E) target.call("get", block, timeoutSeconds);
    }

    public E getNowait() {
        return get(false, 0);
    }

    public int qsize() {
        return (Integer) target.call("qsize");
    }

    public boolean empty() {
        return qsize() == 0;
    }

    /** Whether a put would wait now: never for an unbounded queue. Python's {@code full()}. */
    public boolean full() {
        return (Boolean) target.call("full");
    }

    /**
     * Marks one item got as processed, Python's {@code task_done()}: {@link #join()} returns once
     * every item put was marked so.
     *
     * @throws IllegalStateException when called more times than items were put (Python: ValueError)
     */
    public void taskDone() {
        target.call("taskDone");
    }

    /** Waits until every item put was got and marked done with {@link #taskDone()}: Python's {@code join()}. */
    public void join() {
        target.call("join");
    }

    /**
     * Python 3.13's {@code shutdown(immediate)}: from now on a put throws
     * {@link org.kernellib.mp.shared.queue.ShutDownException}, and so does a get once the queue is
     * empty, or at once with {@code immediate}, which drops the items; puts and gets waiting in
     * the manager, for any process, end with it.
     */
    public void shutdown(final boolean immediate) {
        target.call("shutdown", immediate);
    }

    /** {@code shutdown(false)}. */
    public void shutdown() {
        shutdown(false);
    }

    /** Whether the queue was shut down (Python's {@code is_shutdown}). */
    public boolean isShutdown() {
        return (Boolean) target.call("isShutdown");
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof QueueProxy && ((QueueProxy<?>) o).target.equals(target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return "QueueProxy(" + target + ")";
    }
}
