package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.SHUTDOWN_OFFSET;

import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * Python 3.13's {@code Queue.shutdown(immediate)} on the shared ring: a state word in the queue's
 * header ({@link QueueDescriptor}) that only grows, from alive to shut down to immediate.
 *
 * <p>Why no item gets past a shutdown. A put reads the state after its compare-and-set on the
 * tail (and gives its record up as padding if the queue is shut down); {@code shutdown} stores
 * the state and only then reads the tail, as it drops the items. Both pairs are volatile, so one
 * of the two sees the other: either the put sees the shutdown, or {@code shutdown(true)} sees the
 * put's record and waits for it to be committed (as an item, which it drops, or as padding). In
 * the same way a get reads the state before it looks at the tail: when it then finds the ring
 * empty, every later put sees the shutdown, so "shut down and empty" is final and the get may
 * throw. Each put and get reads the state word once; the waits read it on every round.
 *
 * <p>What is left to chance: a producer stalled (frozen, or descheduled) between its reservation
 * and its commit for longer than {@link #DROP_GRACE_NANOS} keeps its record in the ring past
 * {@code shutdown(true)}. Such an item is dropped by the next get, {@code empty()} or
 * {@code JoinableQueue.join()}, which all see the immediate state; {@code qsize()} counts it
 * until then. Processes killed while dropping are recovered as consumers killed in a get are.
 */
final class QueueShutdown {
    static final int ALIVE = 0;
    static final int SHUT_DOWN = 1;
    static final int IMMEDIATE = 2;
    /** How long dropping waits for a record that a producer is still writing. */
    static final long DROP_GRACE_NANOS = 100_000_000;
    /** How often dropping checks that such a producer still lives. */
    private static final long RESERVER_CHECK_NANOS = 5_000_000;

    private QueueShutdown() {
    }

    /** Moves the state up to {@code to}; a lower state never replaces a higher one. */
    static void raise(final SharedFile f, final int to) {
        int state;
        while ((state = f.getIntVolatile(SHUTDOWN_OFFSET)) < to) {
            if (f.compareAndSetInt(SHUTDOWN_OFFSET, state, to)) {
                return;
            }
        }
    }

    static void refuseIfShutDown(final Queue<?> q, final String op) {
        if (q.isShutdown()) {
            throw refused(op, q);
        }
    }

    /**
     * Whether a queue that is shut down holds no item, though its ring is not empty: a put
     * refused after the shutdown leaves padding that only a get passes over, and after
     * {@code shutdown(true)} this drops what a stalled producer committed late.
     */
    static boolean emptyOnceShutDown(final Queue<?> q) {
        return q.isShutdown() && (dropIfImmediate(q) && q.ring.isEmpty() || q.qsize() == 0);
    }

    /** After {@code shutdown(true)}, drops what is left (a stalled producer's late item); true if it did. */
    static boolean dropIfImmediate(final Queue<?> q) {
        if (q.sharedFile().getIntVolatile(SHUTDOWN_OFFSET) != IMMEDIATE) {
            return false;
        }
        dropItems(q);
        return true;
    }

    static ShutDownException refused(final String op, final Queue<?> q) {
        return new ShutDownException("cannot " + op + " a " + QueueDescriptor.kindName(q.kind) + " that was shut down"
                + (q.sharedFile().getIntVolatile(SHUTDOWN_OFFSET) == IMMEDIATE ? " with immediate=true" : "")
                + (op.startsWith("get") ? " and holds no more items" : ""));
    }

    /**
     * Takes every item there is and drops it, waiting a little for records being written; tells
     * the queue how many it dropped ({@link Queue#itemsDropped(int)}).
     */
    static void dropItems(final Queue<?> q) {
        final RingBuffer ring = q.ring;
        final int slot = ring.lease();
        int dropped = 0;
        try {
            Backoff backoff = null;
            long deadline = 0;
            long nextCheck = RESERVER_CHECK_NANOS;
            int record;
            while ((record = ring.tryClaimRead(slot)) != RingBuffer.EMPTY) {
                if (record >= 0) {
                    q.releaseTaken(record, slot);
                    dropped++;
                    continue;
                }
                // A producer is writing the next record: it commits it, or gives it up on seeing
                // the shutdown, within microseconds unless it stalls or died.
                if (backoff == null) {
                    backoff = new Backoff("a record being written to " + q);
                    deadline = Backoff.deadline(DROP_GRACE_NANOS);
                }
                if (Backoff.expired(deadline)) {
                    break;
                }
                if (backoff.parkedNanos() >= nextCheck) {
                    nextCheck = backoff.parkedNanos() + RESERVER_CHECK_NANOS;
                    QueueRecovery.skipDeadProducer(q);
                }
                backoff.idle(deadline);
            }
        } finally {
            ring.endLease(slot);
            if (dropped > 0) {
                q.itemsDropped(dropped);
            }
        }
    }
}
