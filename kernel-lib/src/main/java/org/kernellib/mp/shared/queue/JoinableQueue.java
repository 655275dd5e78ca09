package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.UNFINISHED_OFFSET;

import java.time.Duration;

import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A {@link Queue} that counts unfinished tasks, like Python's {@code JoinableQueue}: every put
 * adds one, every {@link #taskDone()} removes one, and {@link #join()} waits for zero. Each item
 * that {@code shutdown(true)} drops counts as done, as in Python 3.13's {@code queue.Queue}.
 */
public final class JoinableQueue<E> extends Queue<E> {
    private static final long serialVersionUID = 1L;

    JoinableQueue(final SharedFile file) {
        super(file, QueueDescriptor.KIND_JOINABLE);
    }

    public static <E> JoinableQueue<E> create() {
        return create(0);
    }

    public static <E> JoinableQueue<E> create(final int maxsize) {
        return new JoinableQueue<>(QueueDescriptor.allocate(QueueDescriptor.KIND_JOINABLE, maxsize, QueueDescriptor.DEFAULT_CAPACITY));
    }

    public static <E> JoinableQueue<E> create(final int maxsize, final int capacityBytes) {
        return new JoinableQueue<>(QueueDescriptor.allocate(QueueDescriptor.KIND_JOINABLE, maxsize, capacityBytes));
    }

    /** Marks one element taken with get as processed. */
    public void taskDone() {
        checkOpen("call taskDone on");
        while (true) {
            long n = file.getLongVolatile(UNFINISHED_OFFSET);
            if (n <= 0) {
                throw new IllegalStateException("taskDone() called more times than items were put (0 tasks unfinished)");
            }
            if (file.compareAndSetLong(UNFINISHED_OFFSET, n, n - 1)) {
                return;
            }
        }
    }

    /** Items dropped by {@code shutdown(true)} are done: never below zero, as in Python. */
    @Override
    void itemsDropped(final int count) {
        for (int i = 0; i < count; i++) {
            long n;
            do {
                n = file.getLongVolatile(UNFINISHED_OFFSET);
            } while (n > 0 && !file.compareAndSetLong(UNFINISHED_OFFSET, n, n - 1));
        }
    }

    /** Number of elements put and not yet marked done. */
    public long unfinishedTasks() {
        return file.getLongVolatile(UNFINISHED_OFFSET);
    }

    /** Waits until every element put has been marked done. */
    public void join() {
        join0(-1);
    }

    /** Waits at most {@code timeout}; true when all tasks are done. */
    public boolean join(final Duration timeout) {
        return join0(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    private boolean join0(final long timeoutNanos) {
        checkOpen("join");
        Backoff backoff = new Backoff("all tasks of " + this);
        long deadline = Backoff.deadline(timeoutNanos);
        while (file.getLongVolatile(UNFINISHED_OFFSET) > 0) {
            if (timeoutNanos == 0 || Backoff.expired(deadline)) {
                return false;
            }
            QueueShutdown.dropIfImmediate(this); // what a stalled producer committed after shutdown(true)
            backoff.idle(deadline);
        }
        return true;
    }
}
