package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.CLAIM_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.HEAD_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECLAIM_FLAG_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RING_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.TAIL_OFFSET;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A multi-producer, multi-consumer ring of variable-length records in shared memory. It never
 * blocks; {@link Queue} adds waiting, counting and element encoding.
 *
 * <p>Record format (8-byte aligned, so the state word can be accessed atomically):
 * <pre>
 *  +---------------------------------------------------------------+
 *  | State: 0 being written / free, L > 0 committed, -L consumed   |  +0
 *  | Payload length in bytes (-1 marks padding to the ring's end)  |  +4
 *  | Payload ...                                                   |  +8
 *  +---------------------------------------------------------------+
 * </pre>
 * L is the record's aligned total length.
 *
 * <p>Protocol. A producer reserves space by compare-and-set on the tail, writes its payload and
 * publishes it with a release store of the state. A consumer reads the state at the claim
 * position and, if committed, takes the record by compare-and-set on the claim position, reads
 * it, zeroes its body and marks it consumed with a release store. Records are consumed in order
 * but may finish out of order, so space returns to producers separately: whoever holds the
 * reclaim flag walks from the head over consumed records, zeroes their state words and publishes
 * the new head with a release store. Because only the flag holder writes head and zeroes state
 * words, the region between head and tail is never zeroed under a producer's feet, and every
 * byte a producer reserves reads as zero until it is committed.
 *
 * <p>A record may take at most half the ring, so that padding to the ring's end plus the record
 * always fits into an empty ring.
 */
final class RingBuffer {
    static final int HEADER = 8;
    static final int PADDING = -1;
    /** Returned by {@link #tryClaimRead()} when nothing is committed and nothing in progress. */
    static final int EMPTY = -1;
    /** Returned by {@link #tryClaimRead()} when a producer is still writing the next record. */
    static final int IN_PROGRESS = -2;
    /** Returned by {@link #tryClaimWrite(int)} when there is no room now. */
    static final int FULL = -1;

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
     * Reserves a record for {@code payload} bytes.
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
                    // Pad to the ring's end; the padding's body is already zero.
                    f.setIntPlain(RING_OFFSET + index + 4, PADDING);
                    f.setIntRelease(RING_OFFSET + index, toEnd);
                    index = 0;
                }
                f.setIntPlain(RING_OFFSET + index + 4, payload);
                return RING_OFFSET + index;
            }
        }
    }

    /** Publishes a record reserved by {@link #tryClaimWrite(int)}. */
    void commit(final int record) {
        file.setIntRelease(record, align(HEADER + file.getIntPlain(record + 4)));
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
            // producer has moved the tail past claim, that old record was reclaimed and zeroed,
            // and reading the tail makes those zeros visible. A cached tail is never too high.
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
                if (f.getIntPlain(record + 4) == PADDING) {
                    // Leave only zeros behind, as release() does: a later record may start here.
                    f.setIntPlain(record + 4, 0);
                    f.setIntRelease(record, -state);
                    continue;
                }
                return record;
            }
        }
    }

    /** Payload length of a claimed record. */
    int payloadLength(final int record) {
        return file.getIntPlain(record + 4);
    }

    /** Gives a consumed record back: zeroes its body and marks it consumed. */
    void release(final int record) {
        final SharedFile f = file;
        int payload = f.getIntPlain(record + 4);
        int length = align(HEADER + payload);
        f.setMemoryPlain(record + 4, length - 4, (byte) 0);
        f.setIntRelease(record, -length);
        // Amortize reclaiming: do it once a quarter of the ring waits to be given back.
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        if (claim - f.getLongVolatile(HEAD_OFFSET) > (capacity >> 2)) {
            tryReclaim();
        }
    }

    /** Advances the head over consumed records, if no one else is doing it right now. */
    void tryReclaim() {
        final SharedFile f = file;
        if (!f.compareAndSetInt(RECLAIM_FLAG_OFFSET, 0, (int) ProcessIdentity.PID)) {
            return;
        }
        try {
            long head = f.getLongVolatile(HEAD_OFFSET);
            long limit = f.getLongVolatile(CLAIM_OFFSET);
            long start = head;
            while (head < limit) {
                int record = RING_OFFSET + (int) (head & mask);
                int state = f.getIntVolatile(record);
                if (state >= 0) {
                    break; // claimed but still being read
                }
                f.setIntPlain(record, 0);
                head -= state;
            }
            if (head != start) {
                f.setLongRelease(HEAD_OFFSET, head);
            }
        } finally {
            f.setIntRelease(RECLAIM_FLAG_OFFSET, 0);
        }
    }

    /**
     * Frees the reclaim flag if the process holding it died mid-walk (slow: call only after
     * waiting a while for room). Without this a killed consumer could leave producers waiting forever.
     */
    void recoverReclaimFlag() {
        int holder = file.getIntVolatile(RECLAIM_FLAG_OFFSET);
        if (holder != 0 && ProcessIdentity.isDead(((long) holder) << 32, 0)) {
            file.compareAndSetInt(RECLAIM_FLAG_OFFSET, holder, 0);
        }
    }

    /** True when nothing is committed or reserved beyond the consumers' claim. */
    boolean isEmpty() {
        return file.getLongVolatile(TAIL_OFFSET) == file.getLongVolatile(CLAIM_OFFSET);
    }
}
