package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.ITEMS_OFFSET;

import java.time.Duration;

/**
 * What a waiting put or get does about processes that died in the middle of theirs (slow: reads
 * /proc, so only while waiting): it skips the record a dead producer reserved, gives back the
 * records dead consumers took, and says, when the next record's producer is alive but does not
 * commit, who it is. {@link RingBuffer} holds the protocol; this corrects a bounded queue's count,
 * which is kept here rather than in the ring ({@link ItemCounts} for unbounded ones).
 */
final class QueueRecovery {
    private QueueRecovery() {
    }

    /** Gives up the record at the claim position if its producer died mid-put, uncounting its item. */
    static boolean skipDeadProducer(final Queue<?> q) {
        if (!q.ring.skipDeadReservation()) {
            return false;
        }
        if (q.maxsize > 0) {
            q.sharedFile().getAndAddInt(ITEMS_OFFSET, -1); // counted before the reservation; it will never come
        }
        return true;
    }

    /** Frees a dead reclaimer's flag and gives back records whose consumers died. */
    static void recoverFromDeadConsumers(final Queue<?> q) {
        q.ring.recoverReclaimFlag();
        int lost = q.ring.reclaimFromDeadConsumers();
        if (lost > 0) {
            q.sharedFile().getAndAddInt(ITEMS_OFFSET, -lost); // items their dead consumers took along, counted here
        }
    }

    /** The error of a get that waited behind a record reserved and not committed. */
    static String midPutMessage(final Queue<?> q, final long timeoutNanos, final long nowaitGraceNanos) {
        int pid = q.ring.pendingReserver();
        return "queue's next item was reserved but not committed within "
                + Duration.ofNanos(timeoutNanos == 0 ? nowaitGraceNanos : timeoutNanos)
                + ": a producer seems to have died mid-put, or is stalled ("
                + (pid == 0 ? "it had not yet written its pid" : "process " + pid + ", which is still alive")
                + "); items put after it wait behind it"
                + (pid == 0 ? "" : " until it commits or dies (a dead producer's record is skipped)");
    }
}
