package org.kernellib.mp.manager;

import java.util.LinkedList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.FullException;
import org.kernellib.mp.shared.queue.ShutDownException;

/**
 * The manager's side of a {@link QueueProxy}: Python's {@code queue.Queue} held by the manager,
 * bounded by {@code maxsize} (0 = unbounded), with its {@code task_done()}/{@code join()} and Python
 * 3.13's {@code shutdown(immediate)}. One lock and three conditions, as {@code queue.Queue} has;
 * each put and get is atomic, and a wait ends when the caller's connection closes (the manager
 * interrupts it) or, for a put or get, the queue is shut down.
 */
final class ServedQueue extends WaitingServed {
    /** A LinkedList, not an ArrayDeque: null is an item, as Python's None is (the usual end-of-work sentinel). */
    private final LinkedList<Object> items = new LinkedList<>();
    private final int maxsize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition allTasksDone = lock.newCondition();
    /** Items put and not yet marked done by a taskDone. */
    private long unfinished;
    private boolean shutDown;

    ServedQueue(final int maxsize) {
        super("put", "get", "join");
        if (maxsize < 0) {
            throw new IllegalArgumentException("maxsize must be >= 0 (0 = unbounded), got " + maxsize);
        }
        this.maxsize = maxsize;
    }

    @Override
    public Object call(final String operation, final Object[] a) throws InterruptedException {
        lock.lock();
        try {
            switch (operation) {
                case "put": put(a[0], (Boolean) a[1] ? Served.nanos(a[2]) : 0); return null;
                case "get": return get((Boolean) a[0] ? Served.nanos(a[1]) : 0);
                case "qsize": return items.size();
                case "full": return maxsize > 0 && items.size() >= maxsize;
                case "shutdown": shutdown((Boolean) a[0]); return null;
                case "isShutdown": return shutDown;
                case "taskDone": taskDone(); return null;
                case "join": join(); return null;
                default: throw Served.unknown("queue", operation);
            }
        } finally {
            lock.unlock();
        }
    }

    private void put(final Object item, final long nanos) throws InterruptedException {
        long left = nanos;
        while (true) {
            if (shutDown) {
                throw new ShutDownException("cannot put to the manager's queue: it was shut down");
            }
            if (maxsize == 0 || items.size() < maxsize) {
                items.add(item);
                unfinished++;
                notEmpty.signal();
                return;
            }
            if (left <= 0) {
                throw new FullException("the manager's queue is full (maxsize " + maxsize + ")");
            }
            left = await(notFull, left);
        }
    }

    private Object get(final long nanos) throws InterruptedException {
        long left = nanos;
        while (true) {
            if (!items.isEmpty()) {
                notFull.signal();
                return items.removeFirst();
            }
            if (shutDown) {
                throw new ShutDownException("cannot get from the manager's queue: it was shut down and is empty");
            }
            if (left <= 0) {
                throw new EmptyException("the manager's queue is empty");
            }
            left = await(notEmpty, left);
        }
    }

    /**
     * Waits for a signal; {@code Long.MAX_VALUE} nanoseconds means no limit. A waiter interrupted
     * (its caller went away) passes a signal it may have taken on to the next waiter.
     */
    private static long await(final Condition c, final long nanos) throws InterruptedException {
        try {
            if (nanos == Long.MAX_VALUE) {
                c.await();
                return nanos;
            }
            return c.awaitNanos(nanos);
        } catch (InterruptedException e) {
            c.signal();
            throw e;
        }
    }

    /** As Python's: from now on puts raise, gets once empty; immediate drops the items. Wakes every waiter. */
    private void shutdown(final boolean immediate) {
        shutDown = true;
        if (immediate) {
            unfinished = Math.max(0, unfinished - items.size()); // as Python: the dropped items count as done
            items.clear();
        }
        notEmpty.signalAll();
        notFull.signalAll();
        allTasksDone.signalAll();
    }

    private void taskDone() {
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called more times than items were put (0 tasks unfinished)");
        }
        if (--unfinished == 0) {
            allTasksDone.signalAll();
        }
    }

    /** Waits until every item put was marked done. */
    private void join() throws InterruptedException {
        while (unfinished > 0) {
            await(allTasksDone, Long.MAX_VALUE);
        }
    }
}
