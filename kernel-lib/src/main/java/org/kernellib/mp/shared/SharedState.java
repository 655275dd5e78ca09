package org.kernellib.mp.shared;

import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.connection.Pipe;
import org.kernellib.mp.shared.queue.JoinableQueue;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.SimpleQueue;
import org.kernellib.mp.shared.sync.Barrier;
import org.kernellib.mp.shared.sync.BoundedSemaphore;
import org.kernellib.mp.shared.sync.Condition;
import org.kernellib.mp.shared.sync.Event;
import org.kernellib.mp.shared.sync.Lock;
import org.kernellib.mp.shared.sync.RLock;
import org.kernellib.mp.shared.sync.SemLock;
import org.kernellib.mp.shared.sync.Semaphore;

/**
 * Factory of everything processes can share, mirroring Python's {@code multiprocessing}
 * (Value, Array, RawValue, RawArray, Lock, RLock, Semaphore, ...). Every object lives in a
 * memory-mapped file in this JVM's runtime directory and is {@link java.io.Serializable}: pass it
 * to a worker process and the worker sees the same memory.
 *
 * <p>The factories of values and arrays, one set per element type ({@code intValue},
 * {@code rawDoubleArrayOf}, {@code value("i", 0)}, ...), are generated into
 * {@link SharedDataFactories}, which this class extends; the rest are here.
 */
/* Not final: Multiprocessing extends it so that one static import brings in these factories too. */
public class SharedState extends SharedDataFactories {
    protected SharedState() {
    }

    // ---- locks --------------------------------------------------------------------------------

    /** Python's {@code Lock()}: robust, non-reentrant. */
    public static Lock lock() {
        return Lock.create();
    }

    /** Python's {@code RLock()}: robust, reentrant. */
    public static RLock rlock() {
        return RLock.create();
    }

    /** Python's {@code Semaphore(value)}. */
    public static Semaphore semaphore(final int value) {
        return Semaphore.create(value);
    }

    /** Python's {@code BoundedSemaphore(value)}. */
    public static BoundedSemaphore boundedSemaphore(final int value) {
        return BoundedSemaphore.create(value);
    }

    // ---- events, conditions, barriers --------------------------------------------------------

    /** Python's {@code Event()}. */
    public static Event event() {
        return Event.create();
    }

    /** Python's {@code Condition()}: with a new RLock. */
    public static Condition condition() {
        return Condition.create();
    }

    /** Python's {@code Condition(lock)}: {@code lock} is a shared Lock or RLock. */
    public static Condition condition(final SemLock lock) {
        if (lock == null) {
            throw new IllegalArgumentException("condition(lock): lock must be a shared Lock or RLock, got null "
                    + "(condition() makes its own RLock)");
        }
        return Condition.create(lock);
    }

    /** Python's {@code Barrier(parties)}. */
    public static Barrier barrier(final int parties) {
        return Barrier.create(parties);
    }

    /** Python's {@code Barrier(parties, action)}: one party runs {@code action} when the barrier trips. */
    public static Barrier barrier(final int parties, final Barrier.Action action) {
        return Barrier.create(parties, action, null);
    }

    /** Python's {@code Barrier(parties, timeout=...)}: {@code await()} waits at most {@code timeout}. */
    public static Barrier barrier(final int parties, final java.time.Duration timeout) {
        return Barrier.create(parties, null, timeout);
    }

    /** Python's {@code Barrier(parties, action, timeout)}. */
    public static Barrier barrier(final int parties, final Barrier.Action action, final java.time.Duration timeout) {
        return Barrier.create(parties, action, timeout);
    }

    // ---- queues -------------------------------------------------------------------------------

    /** Python's {@code Queue()}: unbounded (up to its 1 MiB ring). */
    public static <E> Queue<E> queue() {
        return Queue.create();
    }

    /** Python's {@code Queue(maxsize)}; 0 means unbounded. */
    public static <E> Queue<E> queue(final int maxsize) {
        return Queue.create(maxsize);
    }

    /** A queue with a ring of {@code capacityBytes} (items may take up to half of it). */
    public static <E> Queue<E> queue(final int maxsize, final int capacityBytes) {
        return Queue.create(maxsize, capacityBytes);
    }

    /** Python's {@code JoinableQueue()}. */
    public static <E> JoinableQueue<E> joinableQueue() {
        return JoinableQueue.create();
    }

    /** Python's {@code JoinableQueue(maxsize)}. */
    public static <E> JoinableQueue<E> joinableQueue(final int maxsize) {
        return JoinableQueue.create(maxsize);
    }

    /** Python's {@code SimpleQueue()}. */
    public static <E> SimpleQueue<E> simpleQueue() {
        return SimpleQueue.create();
    }

    /** Python's {@code Pipe()}: two duplex {@link Connection} ends. */
    public static Connection[] pipe() {
        return Pipe.create();
    }

    /** Python's {@code Pipe(duplex)}: with false, end 0 only receives and end 1 only sends. */
    public static Connection[] pipe(final boolean duplex) {
        return Pipe.create(duplex);
    }
}
