package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.CLAIM_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.HEAD_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.ITEMS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.PADDING_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECLAIM_FLAG_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECLAIM_START_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_HEADER_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_LENGTH_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_RESERVER_PID_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_RESERVER_START_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RING_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.TAIL_OFFSET;

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
 * it; {@link #skipDeadReservation()} publishes it as padding on the dead reserver's behalf (its
 * item is lost), and consumers pass over it. A record whose consumer died between taking and
 * releasing it would keep its space from the producers for ever; the consumer signs the record
 * when it takes it, and {@link #reclaimFromDeadConsumers()} gives that space back.
 *
 * <p>Neither signature exists in the instructions between a compare-and-set and the identity
 * store after it (or while a consumer zeroes a record it releases, which erases its signature):
 * a producer killed there leaves a reserved record that names no one, a consumer killed there a
 * taken record that names no one. For these, every process writes the position it is about to
 * reserve (with its size) or take into an announcement slot of its own before its compare-and-set
 * ({@link Announcements}); the compare-and-set publishes the announcement with the position. A
 * recoverer that finds an unnamed record at position p has read the tail (or the claim position)
 * past p, so the winner's announcement is visible to it; it scans the slots: if a live process
 * announced p, it waits (that process may be the winner, still writing); if only dead processes
 * did, it reads the record again, and if the record still names no one, its owner is dead. Why: the winner's announcement is visible from before its
 * compare-and-set until its next one, which comes after it signed the record; a newer
 * announcement is read with acquire and so shows that signature too; and a dead process's slot is
 * taken over only once its announcements lie behind the consumers. Then the reserved record is
 * published as padding of the announced size (a reservation that wrapped is padding to the ring's
 * end plus its record at the ring's start: whichever part is unpublished), and the taken record is
 * consumed (its item lost). An announcement only says "p", so a live process that merely lost its
 * compare-and-set at p delays the recovery until it moves on (it withdraws what it announced when
 * it gives up); two dead announcements of p with different sizes, or an operation running without
 * a slot, leave the record alone: consumers then time out with a clear error, as before.
 *
 * <p>Who may write a record another process reserved: only the holder of the reclaim flag, after
 * checking under it that the claim position still stands at the record and the record is still
 * unpublished. Positions only grow, so that check names this very reservation, and two recoverers
 * never both write it (a recoverer killed half-way leaves an unpublished record that the next flag
 * holder writes again). The reclaim walk itself runs under the same flag. (Moving the claim
 * position past the record first and zeroing it after would leave, were the skipper killed in
 * between, an unconsumed record below the claim whose state word may still hold a negative state
 * of the previous lap, which the walk would take for a consumed record of another length.)
 *
 * <p>A record may take at most half the ring, so that padding to the ring's end plus the record
 * always fits into an empty ring.
 */
final class RingBuffer {
    static final int HEADER = RECORD_HEADER_LENGTH;
    /** Returned by {@link #tryClaimRead(int)} when nothing is committed and nothing in progress. */
    static final int EMPTY = -1;
    /** Returned by {@link #tryClaimRead(int)} when a producer is still writing the next record. */
    static final int IN_PROGRESS = -2;
    /** Returned by {@link #tryClaimWrite(int, int)} when there is no room now. */
    static final int FULL = -1;

    private static final int START_STAMP = StartStamp.OWN;
    private static final int PID = StartStamp.OWN_PID;

    private final SharedFile file;
    private final int capacity;
    private final int mask;
    private final Announcements announcements;
    /** Unbounded queues: the ring counts items, in the announcement slots ({@link ItemCounts}). */
    private final boolean countsItems;
    /** The highest tail this handle has read; a hint that spares most reads of the producers' line. */
    private volatile long tailSeen;

    RingBuffer(final SharedFile file, final int capacity, final boolean countsItems) {
        this.file = file;
        this.capacity = capacity;
        this.countsItems = countsItems;
        this.mask = capacity - 1;
        this.announcements = Announcements.of(file);
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
     * @param slot from {@link #lease()}
     * @return the file offset of the record (its payload starts {@link #HEADER} bytes later), or
     *         {@link #FULL}
     */
    int tryClaimWrite(final int payload, final int slot) {
        final SharedFile f = file;
        final int length = align(HEADER + payload);
        boolean reclaimed = false;
        boolean announced = false;
        while (true) {
            long tail = f.getLongVolatile(TAIL_OFFSET);
            long head = f.getLongVolatile(HEAD_OFFSET);
            int index = (int) (tail & mask);
            int toEnd = capacity - index;
            int need = length <= toEnd ? length : toEnd + length;
            if (tail + need - head > capacity) {
                if (reclaimed) {
                    if (announced) {
                        Announcements.withdrawTail(f, slot);
                    }
                    return FULL;
                }
                tryReclaim();
                reclaimed = true;
                continue;
            }
            if (countsItems) {
                ItemCounts.markPut(f, slot);
            }
            Announcements.announceTail(f, slot, tail, need);
            announced = true;
            if (f.compareAndSetLong(TAIL_OFFSET, tail, tail + need)) {
                if (QueueFaults.PAUSE_AFTER_TAIL_CAS) {
                    QueueFaults.pause("AFTER-TAIL-CAS");
                }
                if (need != length) {
                    // Pad to the ring's end and publish the padding at once: it carries nothing.
                    f.setIntPlain(RING_OFFSET + index + RECORD_LENGTH_OFFSET, PADDING_LENGTH);
                    f.setIntRelease(RING_OFFSET + index, toEnd);
                    if (QueueFaults.PAUSE_AFTER_PADDING) {
                        QueueFaults.pause("AFTER-PADDING");
                    }
                    index = 0;
                }
                int record = RING_OFFSET + index;
                f.setIntPlain(record + RECORD_LENGTH_OFFSET, payload);
                f.setIntPlain(record + RECORD_RESERVER_START_OFFSET, START_STAMP);
                if (countsItems) {
                    ItemCounts.countPut(f, slot); // before the pid: named means counted
                    if (QueueFaults.PAUSE_AFTER_COUNT) {
                        QueueFaults.pause("AFTER-COUNT");
                    }
                }
                f.setIntRelease(record + RECORD_RESERVER_PID_OFFSET, PID);
                return record;
            }
        }
    }

    /** Publishes a record reserved by {@link #tryClaimWrite(int, int)}. */
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
     * A slot for one put or get: its announcements must stay put from its compare-and-set until
     * the record names its owner (a put) or is released (a get). Pass it to
     * {@link #tryClaimWrite(int, int)} or {@link #tryClaimRead(int)}; end it with
     * {@link #endLease(int)} when the operation is over.
     */
    int lease() {
        return announcements.lease(file);
    }

    void endLease(final int slot) {
        announcements.release(file, slot);
    }

    /**
     * Takes the next committed record.
     *
     * @param slot from {@link #lease()}
     * @return its file offset, {@link #EMPTY} or {@link #IN_PROGRESS}
     */
    int tryClaimRead(final int slot) {
        final SharedFile f = file;
        boolean announced = false;
        while (true) {
            long claim = f.getLongVolatile(CLAIM_OFFSET);
            // The tail must be read before the state: at claim == tail the ring still holds the
            // previous lap, possibly a record another consumer is reading (state > 0). Once a
            // producer has moved the tail past claim, that old record was consumed (state < 0),
            // and reading the tail makes that visible. A cached tail is never too high.
            if (claim >= tailSeen) {
                tailSeen = f.getLongVolatile(TAIL_OFFSET);
                if (claim >= tailSeen) {
                    return emptyHanded(slot, announced, EMPTY);
                }
            }
            int index = (int) (claim & mask);
            int state = f.getIntVolatile(RING_OFFSET + index);
            if (state <= 0) {
                return emptyHanded(slot, announced, IN_PROGRESS); // reserved, not committed yet
            }
            if (countsItems) {
                ItemCounts.markTake(f, slot);
            }
            Announcements.announceClaim(f, slot, claim);
            announced = true;
            if (f.compareAndSetLong(CLAIM_OFFSET, claim, claim + state)) {
                if (QueueFaults.PAUSE_AFTER_CLAIM_CAS) {
                    QueueFaults.pause("AFTER-CLAIM-CAS");
                }
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

    private int emptyHanded(final int slot, final boolean announced, final int result) {
        if (announced) {
            Announcements.withdrawClaim(file, slot);
        }
        return result;
    }

    /** Payload length of a claimed record. */
    int payloadLength(final int record) {
        return file.getIntPlain(record + RECORD_LENGTH_OFFSET);
    }

    /** Gives a consumed record back: zeroes its body and marks it consumed. */
    void release(final int record) {
        consume(record, align(HEADER + file.getIntPlain(record + RECORD_LENGTH_OFFSET)));
    }

    /** Reclaims after a release, amortized: once a quarter of the ring waits to be given back. */
    void reclaimIfDue() {
        final SharedFile f = file;
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim - f.getLongVolatile(HEAD_OFFSET) > (capacity >> 2)) {
            tryReclaim();
        }
    }

    /**
     * Zeroes the record after its length word, then its length (padding keeps its -1, so a
     * recoverer can tell padding from an item however far the zeroing got), so that a later
     * record reserved over these bytes reads as zeros (or negative) until written; then marks
     * the record consumed (release: the zeros first).
     */
    private void consume(final int record, final int length) {
        final SharedFile f = file;
        f.setMemoryPlain(record + RECORD_RESERVER_PID_OFFSET, length - RECORD_RESERVER_PID_OFFSET, (byte) 0);
        if (QueueFaults.PAUSE_MID_RELEASE) {
            QueueFaults.pause("MID-RELEASE");
        }
        f.setIntPlain(record + RECORD_LENGTH_OFFSET, lengthOnceConsumed(f.getIntPlain(record + RECORD_LENGTH_OFFSET)));
        f.setIntRelease(record, -length);
    }

    /**
     * What a consumed record's length word holds: {@link QueueDescriptor#PADDING_LENGTH} for
     * padding, 0 for an item. Without a branch: every get inlines {@link #consume}, and padding
     * comes only when the ring wraps, rarely enough that the JIT may compile the get before it
     * saw any; a branch it never saw taken becomes a trap that sends the whole compiled get back
     * to the interpreter when padding does come.
     */
    static int lengthOnceConsumed(final int length) {
        int x = length - PADDING_LENGTH; // 0 for padding only
        return ~((x | -x) >> 31) & PADDING_LENGTH; // (x | -x) is negative unless x == 0
    }

    /** Advances the head over consumed records, if no one else is doing it right now. */
    void tryReclaim() {
        tryReclaim(false);
    }

    /**
     * Advances the head as {@link #tryReclaim()} does, and also over records whose consumer died
     * between taking and releasing them (slow: reads /proc; call only after waiting for room).
     *
     * @return how many items such records held (they are lost) that the queue's items word
     *         still counts (a bounded queue's, or those of consumers that ran without a slot)
     */
    int reclaimFromDeadConsumers() {
        return tryReclaim(true);
    }

    private int tryReclaim(final boolean recoverDeadConsumers) {
        final SharedFile f = file;
        if (!f.compareAndSetInt(RECLAIM_FLAG_OFFSET, 0, PID)) {
            return 0;
        }
        int lost = 0;
        f.setIntPlain(RECLAIM_START_OFFSET, START_STAMP);
        try {
            final long start = f.getLongVolatile(HEAD_OFFSET);
            final long limit = f.getLongVolatile(CLAIM_OFFSET);
            long head = start;
            while (head < limit) {
                int record = RING_OFFSET + (int) (head & mask);
                int state = f.getIntVolatile(record);
                if (state >= 0) {
                    // Taken but still being read: wait for its consumer, unless that died.
                    if (!recoverDeadConsumers || state == 0 || !consumerDied(record, head)) {
                        break;
                    }
                    state = f.getIntVolatile(record); // its consumer may have finished meanwhile
                    if (state > 0) {
                        if (f.getIntPlain(record + RECORD_LENGTH_OFFSET) != PADDING_LENGTH
                                && !(countsItems && ItemCounts.uncountDeadTake(f, head, signer(record)))) {
                            lost++;
                        }
                        consume(record, state);
                        state = -state;
                    }
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
        return lost;
    }

    /**
     * True when the consumer of the taken record at {@code position} is dead: it signed the
     * record and is dead, or nothing names it and only dead processes announced taking it. Padding
     * is never signed (the word there may be left from an earlier lap). False while unsure.
     */
    private boolean consumerDied(final int record, final long position) {
        if (file.getIntPlain(record + RECORD_LENGTH_OFFSET) != PADDING_LENGTH) {
            int signed = file.getIntAcquire(record + RECORD_RESERVER_PID_OFFSET);
            if (signed < 0) {
                return StartStamp.isDead(-signed, file.getIntPlain(record + RECORD_RESERVER_START_OFFSET));
            }
        }
        return Announcements.takenOnlyByDead(file, position);
    }

    /** The pid that signed a taken record as its consumer, or 0 when it names none (yet, or any more). */
    private int signer(final int record) {
        return Math.max(0, -file.getIntAcquire(record + RECORD_RESERVER_PID_OFFSET));
    }

    /**
     * Frees the reclaim flag if the process holding it died mid-walk (slow: call only after
     * waiting a while for room). Without this a killed consumer could leave producers waiting forever.
     */
    void recoverReclaimFlag() {
        final SharedFile f = file;
        int holder = f.getIntVolatile(RECLAIM_FLAG_OFFSET);
        if (holder != 0 && StartStamp.isDead(holder, f.getIntVolatile(RECLAIM_START_OFFSET))) {
            f.setIntPlain(RECLAIM_START_OFFSET, 0);
            f.compareAndSetInt(RECLAIM_FLAG_OFFSET, holder, 0);
        }
    }

    /**
     * If the record at the claim position was reserved by a process that died before committing
     * it, publishes it as padding so that consumers move on (slow: reads /proc; call only after
     * waiting a while). The reserver is known from the record once it wrote its pid there, else
     * from the announcements (see the class comment).
     *
     * @return whether its record was given up (an unbounded queue's count is then corrected; a
     *         bounded queue's count, taken before the reservation, is the caller's to correct)
     */
    boolean skipDeadReservation() {
        final SharedFile f = file;
        final long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim >= f.getLongVolatile(TAIL_OFFSET)) {
            return false;
        }
        final int index = (int) (claim & mask);
        final int record = RING_OFFSET + index;
        if (f.getIntVolatile(record) > 0) {
            return false; // committed meanwhile
        }
        int pid = Math.max(0, reserverPid(record, index));
        int[] dead;
        if (pid > 0) {
            if (!StartStamp.isDead(pid, f.getIntPlain(record + RECORD_RESERVER_START_OFFSET))) {
                return false;
            }
            dead = new int[] {pid, align(HEADER + f.getIntPlain(record + RECORD_LENGTH_OFFSET)), 0};
        } else {
            dead = Announcements.deadReservationAt(f, capacity, claim);
            if (dead == null) {
                return false;
            }
        }
        return publishAsPadding(claim, pid, dead);
    }

    /**
     * Under the reclaim flag: if the claim position still stands at {@code claim} and the record
     * there is unpublished and still names {@code pid} (or no one, for 0), writes it as padding of
     * {@code layout[1]} bytes and the record at the ring's start after it as padding of
     * {@code layout[2]} bytes (when not 0), that one first; uncounts the dead producer's item
     * first when it counted it ({@link ItemCounts}).
     */
    private boolean publishAsPadding(final long claim, final int pid, final int[] layout) {
        final SharedFile f = file;
        if (!f.compareAndSetInt(RECLAIM_FLAG_OFFSET, 0, PID)) {
            recoverReclaimFlag();
            if (!f.compareAndSetInt(RECLAIM_FLAG_OFFSET, 0, PID)) {
                return false; // busy: the caller asks again later
            }
        }
        f.setIntPlain(RECLAIM_START_OFFSET, START_STAMP);
        try {
            int index = (int) (claim & mask);
            int record = RING_OFFSET + index;
            if (f.getLongVolatile(CLAIM_OFFSET) != claim || f.getIntVolatile(record) > 0
                    || Math.max(0, reserverPid(record, index)) != pid) {
                return false;
            }
            boolean countedWithoutSlot = countsItems && !ItemCounts.uncountDeadPut(f, capacity, claim, pid) && pid > 0;
            if (QueueFaults.PAUSE_BEFORE_PADDING) {
                QueueFaults.pause("BEFORE-PADDING");
            }
            if (layout[2] != 0) {
                writePadding(RING_OFFSET, layout[2]);
            }
            writePadding(record, layout[1]);
            if (countedWithoutSlot) {
                f.getAndAddInt(ITEMS_OFFSET, -1); // named, so counted, by a put that had no slot
            }
            return true;
        } finally {
            f.setIntPlain(RECLAIM_START_OFFSET, 0);
            f.setIntRelease(RECLAIM_FLAG_OFFSET, 0);
        }
    }

    private void writePadding(final int record, final int length) {
        file.setIntPlain(record + RECORD_LENGTH_OFFSET, PADDING_LENGTH);
        if (length >= HEADER) {
            file.setIntPlain(record + RECORD_RESERVER_PID_OFFSET, 0);
        }
        file.setIntRelease(record, length);
    }

    /** The pid a reserved record names (0 or less: not written yet); padding to the end has none. */
    private int reserverPid(final int record, final int index) {
        return capacity - index < HEADER ? 0 : file.getIntAcquire(record + RECORD_RESERVER_PID_OFFSET);
    }

    /** The pid of the producer writing the record at the claim position, or 0 when unknown. */
    int pendingReserver() {
        final SharedFile f = file;
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim >= f.getLongVolatile(TAIL_OFFSET)) {
            return 0;
        }
        int index = (int) (claim & mask);
        int pid = reserverPid(RING_OFFSET + index, index);
        return pid > 0 ? pid : Announcements.liveReserverAt(f, capacity, claim);
    }

    /** True when nothing is committed or reserved beyond the consumers' claim. */
    boolean isEmpty() {
        return file.getLongVolatile(TAIL_OFFSET) == file.getLongVolatile(CLAIM_OFFSET);
    }
}
