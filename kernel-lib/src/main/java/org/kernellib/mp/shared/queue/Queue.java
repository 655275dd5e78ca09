package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.ITEMS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SHUTDOWN_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.UNFINISHED_OFFSET;

import java.io.Serializable;
import java.time.Duration;

import org.kernellib.mp.shared.HandleCodec;
import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.SharedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A multi-producer, multi-consumer FIFO queue shared by processes, like Python's
 * {@code multiprocessing.Queue}, but with no feeder thread and no pipe: elements go straight into a
 * ring buffer in shared memory ({@link QueueDescriptor}, {@link RingBuffer}).
 *
 * <p>Elements are any {@link Serializable} object or null; Integer, Long, Double, String and
 * byte[] use compact encodings. Each element from one producer arrives in the order it was put.
 * An element may take at most half the ring (512 KiB by default; choose a larger capacity at
 * creation for bigger ones). {@code maxsize} bounds the number of elements (0 means unbounded up
 * to the ring's bytes; a put waits while the ring is full either way).
 *
 * <p>{@link #close()} means this process will use this handle no more (as in Python, puts and gets
 * on it then throw); other processes keep using the queue. {@link #shutdown(boolean)} is Python
 * 3.13's: it ends the queue's use for every process ({@link QueueShutdown}).
 *
 * <p>A process killed in the middle of a put loses at most that one item: consumers waiting
 * behind its record skip it once the producer is dead (and correct {@link #qsize()}), whether the
 * record already carries the producer's identity or the producer was killed in the instructions
 * before it wrote it (then the position it announced names it, see {@link RingBuffer}). A consumer
 * waiting behind a record that a live producer does not commit gets {@link EmptyException} at its
 * deadline, never a hang. A consumer killed between taking a record and releasing it loses that
 * item; producers waiting for room give its space back. A process killed while reclaiming space is
 * detected and the next reclaimer walks on. {@link #qsize()} of an unbounded queue stays exact
 * whatever instruction a producer, consumer or recoverer is killed at ({@link ItemCounts}). Gaps
 * that remain: a JoinableQueue producer killed between counting its task and committing leaves
 * the unfinished count one too high; a bounded queue counts an item before it reserves its record
 * (the count is the bound), so a process killed while waiting for room, or in the instructions
 * before its reservation, keeps its place in the count, and a consumer killed between giving its
 * record back and uncounting leaves it one too high; and when more than 64 operations run at
 * once (every slot taken), a process killed in a window of its operation leaves a record no one
 * can name, as before the slots (consumers time out with a clear error), and its count one off.
 */
public class Queue<E> extends MappedObject {
    private static final long serialVersionUID = 1L;
    /** How often a producer waiting for room checks that the reclaimer still lives. */
    private static final long RECLAIM_CHECK_NANOS = 5_000_000;
    /** How often a consumer waiting behind an uncommitted record checks that its producer lives. */
    private static final long RESERVER_CHECK_NANOS = 5_000_000;
    /** How long getNowait() waits for a record that a producer is writing right now. */
    private static final long NOWAIT_GRACE_NANOS = 1_000_000;

    final transient RingBuffer ring;
    final transient int maxsize;
    final int kind;
    private transient volatile boolean closed;

    Queue(final SharedFile file, final int kind) {
        super(file);
        this.kind = kind;
        this.maxsize = file.getIntPlain(QueueDescriptor.MAX_SIZE_OFFSET);
        this.ring = new RingBuffer(file, file.getIntPlain(QueueDescriptor.CAPACITY_OFFSET), maxsize == 0);
    }

    /** An unbounded queue with the default 1 MiB ring. */
    public static <E> Queue<E> create() {
        return create(0);
    }

    /** A queue of at most {@code maxsize} elements (0 = unbounded), default ring. */
    public static <E> Queue<E> create(final int maxsize) {
        return new Queue<>(QueueDescriptor.allocate(QueueDescriptor.KIND_QUEUE, maxsize, QueueDescriptor.DEFAULT_CAPACITY),
                QueueDescriptor.KIND_QUEUE);
    }

    /** A queue of at most {@code maxsize} elements with a ring of {@code capacityBytes} (rounded up to a power of two). */
    public static <E> Queue<E> create(final int maxsize, final int capacityBytes) {
        return new Queue<>(QueueDescriptor.allocate(QueueDescriptor.KIND_QUEUE, maxsize, capacityBytes), QueueDescriptor.KIND_QUEUE);
    }

    // ---- put ----------------------------------------------------------------------------------

    /** Puts, waiting as long as the queue is full. */
    public void put(final E item) {
        put0(item, -1);
    }

    /** Puts, waiting at most {@code timeout}; throws {@link FullException} when still full. */
    public void put(final E item, final Duration timeout) {
        put0(item, timeout.isNegative() ? -1 : timeout.toNanos());
    }

    /** Python's {@code put(obj, block, timeout)}: timeout in seconds, negative for none. */
    public void put(final E item, final boolean block, final double timeoutSeconds) {
        put0(item, nanos(block, timeoutSeconds));
    }

    /** Puts only if there is room now; otherwise throws {@link FullException}. */
    public void putNowait(final E item) {
        put0(item, 0);
    }

    static long nanos(final boolean block, final double timeoutSeconds) {
        if (!block) {
            return 0;
        }
        if (Double.isNaN(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        return timeoutSeconds < 0 ? -1 : (long) Math.min(Long.MAX_VALUE, timeoutSeconds * 1e9);
    }

    final void put0(final Object item, final long timeoutNanos) {
        checkOpen("put on");
        final Object prepared = ItemCodec.prepare(item);
        final int size = ItemCodec.size(prepared);
        if (size > ring.maxPayload()) {
            throw new ItemTooLargeException("queue item of " + size + " bytes is too large: this queue takes items of at most "
                    + ring.maxPayload() + " bytes (half its " + ring.capacity() + "-byte ring); create it with a larger capacity");
        }
        // The slot first: taking one may read /proc, and a producer killed between counting its
        // item and reserving its record would leave the count one too high.
        final int slot = ring.lease();
        try {
            put(prepared, size, timeoutNanos, slot);
        } finally {
            ring.endLease(slot);
        }
    }

    private void put(final Object prepared, final int size, final long timeoutNanos, final int slot) {
        long deadline = Long.MIN_VALUE; // computed on first wait only
        Backoff backoff = null;
        // 1. An item slot when maxsize > 0: counted (qsize) before the record is reserved. An
        //    unbounded queue counts the item after reserving, before its record names its
        //    producer, in a way a recoverer can read back (ItemCounts).
        if (maxsize > 0) {
            while (true) {
                int n = file.getIntVolatile(ITEMS_OFFSET);
                if (n < maxsize) {
                    if (file.compareAndSetInt(ITEMS_OFFSET, n, n + 1)) {
                        break;
                    }
                    continue;
                }
                QueueShutdown.refuseIfShutDown(this, "put to");
                if (timeoutNanos == 0) {
                    throw new FullException("queue is full (" + n + " of maxsize " + maxsize + " items)");
                }
                if (backoff == null) {
                    backoff = new Backoff("room in " + this);
                    deadline = Backoff.deadline(timeoutNanos);
                }
                if (Backoff.expired(deadline)) {
                    throw new FullException("queue stayed full (maxsize " + maxsize + " items) for " + timeoutNanos + " ns");
                }
                backoff.idle(deadline);
            }
        }
        // 2. Ring space.
        int record = ring.tryClaimWrite(size, slot);
        if (record < 0) {
            record = awaitRoom(size, timeoutNanos, slot, backoff, deadline);
        }
        // From here the record must end committed, as the item or as padding: a reserved record
        // that is never committed would stop every consumer behind it.
        boolean committed = false;
        try {
            // After the reservation, not before: see QueueShutdown for why no item gets past a
            // shutdown(true) this way. The put's one read of the state word.
            if (file.getIntVolatile(SHUTDOWN_OFFSET) != QueueShutdown.ALIVE) {
                throw QueueShutdown.refused("put to", this);
            }
            ItemCodec.write(file, record + RingBuffer.HEADER, prepared);
            if (QueueFaults.PAUSE_BEFORE_COMMIT) {
                QueueFaults.pause("MID-PUT");
            }
            if (kind == QueueDescriptor.KIND_JOINABLE) {
                file.getAndAddLong(UNFINISHED_OFFSET, 1);
            }
            ring.commit(record);
            committed = true;
        } finally {
            if (!committed) {
                boolean countedInSlot = maxsize == 0 && slot != Announcements.OVERFLOW;
                if (countedInSlot) {
                    ItemCounts.uncountOwnPut(file, slot); // first: the slot then says "not counted"
                }
                ring.commitAsPadding(record);
                if (!countedInSlot) {
                    file.getAndAddInt(ITEMS_OFFSET, -1);
                }
            }
        }
    }

    /**
     * Waits until the ring has room for a record of {@code size} bytes and reserves it, giving
     * back meanwhile what dead consumers took; when the wait fails, a bounded queue uncounts the
     * item its put counted. Kept apart from put, as {@link #awaitRecord} is from get: the JIT
     * compiles this rare loop on its own, so what it learns only here and late (a first full
     * ring, a first check for dead consumers) recompiles this loop, not the whole put.
     *
     * @param waited the backoff of a bounded queue's wait for an item slot, or null
     * @param waitedDeadline its deadline (unused when {@code waited} is null)
     */
    private int awaitRoom(final int size, final long timeoutNanos, final int slot, final Backoff waited,
            final long waitedDeadline) {
        Backoff backoff = waited;
        long deadline = waitedDeadline;
        int record;
        try {
            if (backoff == null) {
                backoff = new Backoff("room in " + this);
                deadline = Backoff.deadline(timeoutNanos);
            }
            backoff.reset();
            long nextCheck = RECLAIM_CHECK_NANOS;
            while ((record = ring.tryClaimWrite(size, slot)) < 0) {
                QueueShutdown.refuseIfShutDown(this, "put to");
                // At the deadline too: on a loaded machine a short wait can end while still
                // spinning and yielding, before it has parked long enough for a check.
                boolean expired = timeoutNanos != 0 && Backoff.expired(deadline);
                if (expired || backoff.parkedNanos() >= nextCheck) {
                    nextCheck = backoff.parkedNanos() + RECLAIM_CHECK_NANOS;
                    QueueRecovery.recoverFromDeadConsumers(this);
                    if (expired && (record = ring.tryClaimWrite(size, slot)) >= 0) {
                        break;
                    }
                }
                if (timeoutNanos == 0 || expired) {
                    throw new FullException("queue's " + ring.capacity() + "-byte ring has no room for a "
                            + size + "-byte item" + (timeoutNanos == 0 ? "" : " after " + timeoutNanos + " ns"));
                }
                backoff.idle(deadline);
            }
        } catch (RuntimeException e) {
            if (maxsize > 0) {
                file.getAndAddInt(ITEMS_OFFSET, -1);
            }
            throw e;
        }
        return record;
    }

    // ---- get ----------------------------------------------------------------------------------

    /** Takes the next element, waiting as long as the queue is empty. */
    public E get() {
        return get0(-1);
    }

    /** Takes the next element, waiting at most {@code timeout}; throws {@link EmptyException} when still empty. */
    public E get(final Duration timeout) {
        return get0(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    /** Python's {@code get(block, timeout)}: timeout in seconds, negative for none. */
    public E get(final boolean block, final double timeoutSeconds) {
        return get0(nanos(block, timeoutSeconds));
    }

    /** Takes the next element if there is one now; otherwise throws {@link EmptyException}. */
    public E getNowait() {
        return get0(0);
    }

    @SuppressWarnings("unchecked")
    final E get0(final long timeoutNanos) {
        checkOpen("get from");
        // The get's one read of the state word.
        if (file.getIntVolatile(SHUTDOWN_OFFSET) == QueueShutdown.IMMEDIATE) {
            QueueShutdown.dropItems(this); // items a put committed after shutdown(true) had dropped the rest
            throw QueueShutdown.refused("get from", this);
        }
        final int slot = ring.lease();
        try {
            int record = ring.tryClaimRead(slot);
            if (record < 0) {
                record = awaitRecord(timeoutNanos, slot);
            }
            if (QueueFaults.PAUSE_AFTER_CLAIM) {
                QueueFaults.pause("MID-GET");
            }
            try {
                return (E) ItemCodec.read(file, record + RingBuffer.HEADER, ring.payloadLength(record));
            } finally {
                releaseTaken(record, slot);
            }
        } finally {
            ring.endLease(slot);
        }
    }

    /**
     * Uncounts a taken record's item and gives its space back. An unbounded queue uncounts first,
     * in the slot the get leased, where a reclaimer reads whether a killed consumer got that far;
     * a bounded queue's count is its bound, and it frees the space first.
     */
    final void releaseTaken(final int record, final int slot) {
        if (maxsize == 0) {
            ItemCounts.countTake(file, slot);
            if (QueueFaults.PAUSE_AFTER_UNCOUNT) {
                QueueFaults.pause("AFTER-UNCOUNT");
            }
            ring.release(record);
        } else {
            ring.release(record);
            file.getAndAddInt(ITEMS_OFFSET, -1);
        }
        ring.reclaimIfDue();
    }

    /**
     * Waits for a committed record until the deadline. Meanwhile a record whose producer died
     * before committing it is skipped (and uncounted); one whose producer lives but does not
     * commit ends the wait at the deadline with an error that says so. A shutdown ends the wait
     * once the queue is empty, or at once when immediate.
     */
    private int awaitRecord(final long timeoutNanos, final int slot) {
        Backoff backoff = new Backoff("an item in " + this);
        long deadline = Backoff.deadline(timeoutNanos);
        long nextCheck = RESERVER_CHECK_NANOS;
        boolean graceGiven = false;
        while (true) {
            // The state before the ring: a put that reserves after this look at the tail sees the
            // shutdown and gives its record up, so "empty" below stays true (see QueueShutdown).
            int state = file.getIntVolatile(SHUTDOWN_OFFSET);
            int record = ring.tryClaimRead(slot);
            if (record >= 0) {
                return record;
            }
            if (state == QueueShutdown.IMMEDIATE || state != QueueShutdown.ALIVE && record == RingBuffer.EMPTY) {
                throw QueueShutdown.refused("get from", this);
            }
            if (record == RingBuffer.EMPTY) {
                if (timeoutNanos == 0 || Backoff.expired(deadline)) {
                    if (timeoutNanos != 0) {
                        // A wait that ends empty gives back what dead consumers took at least once:
                        // on a loaded machine a short one can end before it parked long enough below.
                        QueueRecovery.recoverFromDeadConsumers(this);
                    }
                    throw new EmptyException(timeoutNanos == 0 ? "queue is empty"
                            : "queue stayed empty for " + Duration.ofNanos(timeoutNanos));
                }
                if (backoff.parkedNanos() >= nextCheck) {
                    // Idle anyway: give back what dead consumers took, so that qsize() is right
                    // even when no producer ever waits for room.
                    nextCheck = backoff.parkedNanos() + RESERVER_CHECK_NANOS;
                    QueueRecovery.recoverFromDeadConsumers(this);
                }
            } else {
                if (timeoutNanos == 0 && !graceGiven) {
                    // Not blocking, but a record being written is usually committed within microseconds.
                    graceGiven = true;
                    deadline = Backoff.deadline(NOWAIT_GRACE_NANOS);
                }
                boolean expired = Backoff.expired(deadline);
                if (expired || backoff.parkedNanos() >= nextCheck) {
                    nextCheck = backoff.parkedNanos() + RESERVER_CHECK_NANOS;
                    if (QueueRecovery.skipDeadProducer(this)) {
                        backoff.reset();
                        continue;
                    }
                    if (expired) {
                        throw new EmptyException(QueueRecovery.midPutMessage(this, timeoutNanos, NOWAIT_GRACE_NANOS));
                    }
                }
            }
            checkOpen("get from");
            backoff.idle(deadline);
        }
    }

    // ---- state --------------------------------------------------------------------------------

    /** Approximate number of elements (put and not yet taken). */
    public int qsize() {
        return Math.max(0, maxsize > 0 ? file.getIntVolatile(ITEMS_OFFSET) : ItemCounts.total(file));
    }

    /** True when no element is waiting (a snapshot). */
    public boolean empty() {
        return ring.isEmpty() || QueueShutdown.emptyOnceShutDown(this);
    }

    /** Python's {@code shutdown()}: {@code shutdown(false)}. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Python 3.13's {@code shutdown(immediate)}, for every process that uses this queue: from now
     * on a put throws {@link ShutDownException}, and so does a get once the queue is empty; with
     * {@code immediate} a get throws at once, and the items still in the queue are dropped (a
     * {@link JoinableQueue} counts each as done, which may release {@code join()}). Puts and gets
     * waiting in any process wake up with the exception within about a millisecond. A queue shut
     * down cannot be opened again; {@code shutdown(true)} after {@code shutdown()} drops the items.
     */
    public void shutdown(final boolean immediate) {
        checkOpen("shut down");
        QueueShutdown.raise(file, immediate ? QueueShutdown.IMMEDIATE : QueueShutdown.SHUT_DOWN);
        if (immediate) {
            QueueShutdown.dropItems(this);
        }
    }

    /** Whether {@link #shutdown(boolean)} was called, in any process (Python's {@code is_shutdown}). */
    public boolean isShutdown() {
        return file.getIntVolatile(SHUTDOWN_OFFSET) != QueueShutdown.ALIVE;
    }

    /** Called with how many items a {@code shutdown(true)} dropped; a JoinableQueue counts them done. */
    void itemsDropped(final int count) {
    }

    /** True when a bounded queue holds maxsize elements (a snapshot); false for unbounded ones. */
    public boolean full() {
        return maxsize > 0 && file.getIntVolatile(ITEMS_OFFSET) >= maxsize;
    }

    /** The bound on elements, 0 when unbounded. */
    public int maxsize() {
        return maxsize;
    }

    final SharedFile sharedFile() {
        return file;
    }

    /** The largest element this queue takes, in bytes of its encoding (a one-byte tag included). */
    public int maxItemBytes() {
        return ring.maxPayload();
    }

    /** Ring size in bytes. */
    public int capacity() {
        return ring.capacity();
    }

    final void checkOpen(final String op) {
        if (closed) {
            throw new IllegalStateException("cannot " + op + " a closed " + QueueDescriptor.kindName(kind)
                    + " (close() was called on this handle in this process)");
        }
    }

    /** True after {@link #close()} on this handle. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * This process puts and gets no more through this handle; the queue lives on for others.
     *
     * <p>The mapping itself is not dropped here but when the handle is collected: another thread
     * of this process may be inside a put or a get right now, and it must be able to finish its
     * record (a record reserved and never committed would stop every consumer behind it).
     */
    @Override
    public void close() {
        closed = true;
    }

    /** Removes the queue's file name, and this process's note of its announcement slots. */
    @Override
    public void unlink() {
        super.unlink();
        Announcements.forget(path());
    }

    @Override
    public String toString() {
        return QueueDescriptor.kindName(kind) + (closed ? "(closed)" : "(qsize=" + qsize() + ", maxsize=" + maxsize + ")");
    }

    // ---- serialization: the handle travels as its path (HandleCodec) -----------------------

    /** How {@link HandleCodec} reopens every queue kind (a SimpleQueue's inner queue included). */
    public static final HandleCodec.Opener OPENER = new HandleCodec.Opener(QueueDescriptor.MAGIC, "a queue",
            QueueDescriptor.RING_OFFSET, (f, companion) -> reopen(f));

    private static Queue<Object> reopen(final SharedFile f) {
        int k = f.getIntPlain(QueueDescriptor.KIND_OFFSET);
        switch (k) {
            case QueueDescriptor.KIND_JOINABLE: return new JoinableQueue<>(f);
            case QueueDescriptor.KIND_QUEUE:
            case QueueDescriptor.KIND_SIMPLE: return new Queue<>(f, k);
            default: throw new IllegalStateException("its queue kind " + k + " is unknown: the file is corrupt");
        }
    }
}
