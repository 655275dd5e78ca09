package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.CLAIM_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.HEAD_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.PADDING_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECLAIM_FLAG_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECLAIM_START_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_HEADER_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_LENGTH_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_RESERVER_PID_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_RESERVER_START_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RING_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.TAIL_OFFSET;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A multi-producer, multi-consumer ring of variable-length records in shared memory. It never
 * blocks; {@link Queue} adds waiting, counting and element encoding. The layout of the ring and
 * of a record is drawn in {@link QueueDescriptor}.
 *
 * <p>Protocol. A producer reserves space by compare-and-set on the tail, writes the record's
 * length and its own identity (pid last, release), then the payload, and publishes the record
 * with a release store of the state. A consumer reads the state at the claim position and, if
 * committed, takes the record by compare-and-set on the claim position, reads it, zeroes its body
 * and marks it consumed with a release store. Records are consumed in order but may finish out of
 * order, so space returns to producers separately: whoever holds the reclaim flag walks from the
 * head over consumed records and advances the head by compare-and-set. The walk writes nothing in
 * the ring, so a reclaimer killed mid-walk leaves nothing half done: the next one (after
 * {@link #recoverReclaimFlag()}) walks the same records again.
 *
 * <p>Faults. A record whose reserver died before committing it would stop every consumer behind
 * it; {@link #skipDeadReservation()} consumes it instead (its item is lost). A record whose
 * consumer died between taking and releasing it would keep its space from the producers for
 * ever; the consumer signs the record when it takes it, and
 * {@link #reclaimFromDeadConsumers()} gives that space back. The reserver is
 * unknown only between the tail compare-and-set and the pid store a few instructions later, in
 * the same compiled method; a producer killed exactly there leaves a record no one can skip, and
 * consumers then time out with a clear error instead of skipping. Likewise a consumer killed
 * between its claim compare-and-set and signing the record keeps that record's space.
 *
 * <p>A record may take at most half the ring, so that padding to the ring's end plus the record
 * always fits into an empty ring.
 */
final class RingBuffer {
    static final int HEADER = RECORD_HEADER_LENGTH;
    /** Returned by {@link #tryClaimRead()} when nothing is committed and nothing in progress. */
    static final int EMPTY = -1;
    /** Returned by {@link #tryClaimRead()} when a producer is still writing the next record. */
    static final int IN_PROGRESS = -2;
    /** Returned by {@link #tryClaimWrite(int)} when there is no room now. */
    static final int FULL = -1;

    /** This process's start stamp as records carry it (never 0). */
    static final int START_STAMP = startStamp(ProcessIdentity.START_MILLIS);
    private static final int PID = (int) ProcessIdentity.PID;

    private final SharedFile file;
    private final int capacity;
    private final int mask;
    /** The highest tail this handle has read; a hint that spares most reads of the producers' line. */
    private volatile long tailSeen;

    RingBuffer(final SharedFile file, final int capacity) {
        this.file = file;
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    int capacity() {
        return capacity;
    }

    /** Largest payload a record may carry. */
    int maxPayload() {
        return capacity / 2 - HEADER;
    }

    static int align(final int n) {
        return (n + 7) & ~7;
    }

    /**
     * Reserves a record for {@code payload} bytes and stamps it with this process's identity.
     *
     * @return the file offset of the record (its payload starts {@link #HEADER} bytes later), or
     *         {@link #FULL}
     */
    int tryClaimWrite(final int payload) {
        final SharedFile f = file;
        final int length = align(HEADER + payload);
        boolean reclaimed = false;
        while (true) {
            long tail = f.getLongVolatile(TAIL_OFFSET);
            long head = f.getLongVolatile(HEAD_OFFSET);
            int index = (int) (tail & mask);
            int toEnd = capacity - index;
            int need = length <= toEnd ? length : toEnd + length;
            if (tail + need - head > capacity) {
                if (reclaimed) {
                    return FULL;
                }
                tryReclaim();
                reclaimed = true;
                continue;
            }
            if (f.compareAndSetLong(TAIL_OFFSET, tail, tail + need)) {
                if (need != length) {
                    // Pad to the ring's end and publish the padding at once: it carries nothing.
                    f.setIntPlain(RING_OFFSET + index + RECORD_LENGTH_OFFSET, PADDING_LENGTH);
                    f.setIntRelease(RING_OFFSET + index, toEnd);
                    index = 0;
                }
                int record = RING_OFFSET + index;
                f.setIntPlain(record + RECORD_LENGTH_OFFSET, payload);
                f.setIntPlain(record + RECORD_RESERVER_START_OFFSET, START_STAMP);
                f.setIntRelease(record + RECORD_RESERVER_PID_OFFSET, PID);
                return record;
            }
        }
    }

    /** Publishes a record reserved by {@link #tryClaimWrite(int)}. */
    void commit(final int record) {
        file.setIntRelease(record, align(HEADER + file.getIntPlain(record + RECORD_LENGTH_OFFSET)));
    }

    /** Publishes a reserved record as padding: consumers pass over it, and nothing is delivered. */
    void commitAsPadding(final int record) {
        int length = align(HEADER + file.getIntPlain(record + RECORD_LENGTH_OFFSET));
        file.setIntPlain(record + RECORD_LENGTH_OFFSET, PADDING_LENGTH);
        file.setIntRelease(record, length);
    }

    /**
     * Takes the next committed record.
     *
     * @return its file offset, {@link #EMPTY} or {@link #IN_PROGRESS}
     */
    int tryClaimRead() {
        final SharedFile f = file;
        while (true) {
            long claim = f.getLongVolatile(CLAIM_OFFSET);
            // The tail must be read before the state: at claim == tail the ring still holds the
            // previous lap, possibly a record another consumer is reading (state > 0). Once a
            // producer has moved the tail past claim, that old record was consumed (state < 0),
            // and reading the tail makes that visible. A cached tail is never too high.
            if (claim >= tailSeen) {
                tailSeen = f.getLongVolatile(TAIL_OFFSET);
                if (claim >= tailSeen) {
                    return EMPTY;
                }
            }
            int index = (int) (claim & mask);
            int state = f.getIntVolatile(RING_OFFSET + index);
            if (state <= 0) {
                return IN_PROGRESS; // reserved by a producer, not committed yet
            }
            if (f.compareAndSetLong(CLAIM_OFFSET, claim, claim + state)) {
                int record = RING_OFFSET + index;
                if (f.getIntPlain(record + RECORD_LENGTH_OFFSET) == PADDING_LENGTH) {
                    consume(record, state);
                    continue;
                }
                // Sign the record as its consumer (pid negated), so that should this process die
                // before releasing it, a reclaimer can give its space back.
                f.setIntPlain(record + RECORD_RESERVER_START_OFFSET, START_STAMP);
                f.setIntRelease(record + RECORD_RESERVER_PID_OFFSET, -PID);
                return record;
            }
        }
    }

    /** Payload length of a claimed record. */
    int payloadLength(final int record) {
        return file.getIntPlain(record + RECORD_LENGTH_OFFSET);
    }

    /** Gives a consumed record back: zeroes its body and marks it consumed. */
    void release(final int record) {
        final SharedFile f = file;
        consume(record, align(HEADER + f.getIntPlain(record + RECORD_LENGTH_OFFSET)));
        // Amortize reclaiming: do it once a quarter of the ring waits to be given back.
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim - f.getLongVolatile(HEAD_OFFSET) > (capacity >> 2)) {
            tryReclaim();
        }
    }

    /**
     * Zeroes everything after the state word, so that a later record reserved over these bytes
     * reads as zeros until written, then marks the record consumed (release: the zeros first).
     */
    private void consume(final int record, final int length) {
        file.setMemoryPlain(record + RECORD_LENGTH_OFFSET, length - RECORD_LENGTH_OFFSET, (byte) 0);
        file.setIntRelease(record, -length);
    }

    /** Advances the head over consumed records, if no one else is doing it right now. */
    void tryReclaim() {
        tryReclaim(false);
    }

    /**
     * Advances the head as {@link #tryReclaim()} does, and also over records whose consumer died
     * between taking and releasing them (slow: reads /proc; call only after waiting for room).
     *
     * @return how many such records were given back (their items are lost), or 0
     */
    int reclaimFromDeadConsumers() {
        return tryReclaim(true);
    }

    private int tryReclaim(final boolean recoverDeadConsumers) {
        final SharedFile f = file;
        if (!f.compareAndSetInt(RECLAIM_FLAG_OFFSET, 0, PID)) {
            return 0;
        }
        int recovered = 0;
        f.setIntPlain(RECLAIM_START_OFFSET, START_STAMP);
        try {
            final long start = f.getLongVolatile(HEAD_OFFSET);
            final long limit = f.getLongVolatile(CLAIM_OFFSET);
            long head = start;
            while (head < limit) {
                int record = RING_OFFSET + (int) (head & mask);
                int state = f.getIntVolatile(record);
                if (state >= 0) {
                    // Claimed but still being read: wait for its consumer, unless that died.
                    if (!recoverDeadConsumers || state == 0 || !consumerDied(record)) {
                        break;
                    }
                    consume(record, state);
                    recovered++;
                    state = -state;
                }
                head -= state;
                if (QueueFaults.PAUSE_MID_RECLAIM) {
                    QueueFaults.pause("MID-RECLAIM");
                }
            }
            // Compare-and-set, not a plain store: should a live holder's flag ever be taken from
            // it, the head still never moves back over space producers may already reuse.
            if (head != start) {
                f.compareAndSetLong(HEAD_OFFSET, start, head);
            }
        } finally {
            f.setIntPlain(RECLAIM_START_OFFSET, 0);
            f.setIntRelease(RECLAIM_FLAG_OFFSET, 0);
        }
        return recovered;
    }

    /** True when the consumer that signed a claimed record is dead (false while it has not signed yet). */
    private boolean consumerDied(final int record) {
        int signed = file.getIntAcquire(record + RECORD_RESERVER_PID_OFFSET);
        return signed < 0 && isDead(-signed, file.getIntPlain(record + RECORD_RESERVER_START_OFFSET));
    }

    /**
     * Frees the reclaim flag if the process holding it died mid-walk (slow: call only after
     * waiting a while for room). Without this a killed consumer could leave producers waiting forever.
     */
    void recoverReclaimFlag() {
        final SharedFile f = file;
        int holder = f.getIntVolatile(RECLAIM_FLAG_OFFSET);
        if (holder != 0 && isDead(holder, f.getIntVolatile(RECLAIM_START_OFFSET))) {
            f.setIntPlain(RECLAIM_START_OFFSET, 0);
            f.compareAndSetInt(RECLAIM_FLAG_OFFSET, holder, 0);
        }
    }

    /**
     * If the record at the claim position was reserved by a process that has died without
     * committing it, claims it and consumes it, so consumers move on (slow: reads /proc; call only
     * after waiting a while).
     *
     * @return the dead reserver's pid when a record was skipped, else 0
     */
    int skipDeadReservation() {
        final SharedFile f = file;
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim >= f.getLongVolatile(TAIL_OFFSET)) {
            return 0;
        }
        int record = RING_OFFSET + (int) (claim & mask);
        if (f.getIntVolatile(record) > 0) {
            return 0; // committed meanwhile
        }
        int pid = f.getIntAcquire(record + RECORD_RESERVER_PID_OFFSET);
        if (pid <= 0 || !isDead(pid, f.getIntPlain(record + RECORD_RESERVER_START_OFFSET))) {
            return 0;
        }
        int length = align(HEADER + f.getIntPlain(record + RECORD_LENGTH_OFFSET));
        if (!f.compareAndSetLong(CLAIM_OFFSET, claim, claim + length)) {
            return 0; // another consumer skipped it first
        }
        consume(record, length);
        return pid;
    }

    /** The pid of the producer writing the record at the claim position, or 0 when unknown. */
    int pendingReserver() {
        final SharedFile f = file;
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim >= f.getLongVolatile(TAIL_OFFSET)) {
            return 0;
        }
        return Math.max(0, f.getIntAcquire(RING_OFFSET + (int) (claim & mask) + RECORD_RESERVER_PID_OFFSET));
    }

    /** True when nothing is committed or reserved beyond the consumers' claim. */
    boolean isEmpty() {
        return file.getLongVolatile(TAIL_OFFSET) == file.getLongVolatile(CLAIM_OFFSET);
    }

    /** The low 32 bits of a start time in epoch milliseconds, 0 replaced by 1 (0 means unknown). */
    static int startStamp(final long startMillis) {
        int stamp = (int) startMillis;
        return stamp == 0 ? 1 : stamp;
    }

    /**
     * True when process {@code pid} certainly no longer runs: gone, a zombie, or the pid now names
     * a process started at another time than {@code stamp} says (pid reuse). A stamp of 0 means
     * unknown: then only the pid's existence counts. This process's own pid is never dead.
     */
    static boolean isDead(final int pid, final int stamp) {
        if (pid == PID) {
            return false;
        }
        if (ProcessIdentity.isDead((long) pid << 32, 0)) {
            return true;
        }
        if (stamp == 0) {
            return false;
        }
        return ProcessHandle.of(pid)
                .map(h -> !h.isAlive() || startStamp(h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L)) != stamp)
                .orElse(true);
    }
}
