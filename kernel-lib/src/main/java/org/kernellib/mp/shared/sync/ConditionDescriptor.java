package org.kernellib.mp.shared.sync;

/**
 * Memory layout of a {@link Condition} (its lock is a separate {@link SemLock}).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLCV'                           |  0
 *  |                     Waiter slots N                            |  4
 *  |                  Reserved up to the cache line                ... 8..63
 *  +===============================================================+
 *  |    Waiting: slots in state WAITING (a hint, see below)        | 64  under the lock
 *  |    High water: every slot in use is below it                  | 68  under the lock
 *  |    Next arrival number                                        | 72  under the lock
 *  |                                                               |
 *  |                  Reserved up to the cache line                ... 80..127
 *  +===============================================================+
 *  |    Waiter slot 0: waiting process                             | 128
 *  |    (pid << 32 | low 32 bits of its start millis)              |
 *  +---------------------------------------------------------------+
 *  |    Waiting thread id                                          | 136
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    Arrival number (signals go in arrival order)               | 144
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    State: 0 free, 1 waiting, 2 signalled                      | 152 release stores
 *  |    Reserved                                                   | 156
 *  +---------------------------------------------------------------+
 *  |    Waiter slot 1 ... N-1, 32 bytes each                       | 160 ... 128 + 32 N
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Protocol: a thread in {@code await} takes a free slot under the lock (fields first, then the
 * state WAITING with a release store), releases the lock and watches its own state. A signal,
 * under the lock, turns the earliest WAITING slots into SIGNALLED, skipping (and freeing) those
 * whose process died. The woken waiter frees its slot itself (SIGNALLED to free); one that timed
 * out frees it under the lock again, where it also finds whether a signal chose it meanwhile.
 * So a signal goes to a particular live waiter: it is never left lying around for a later one.
 *
 * <p>The waiting count only spares a signal with nobody waiting a scan of the slots. A lock
 * holder that dies midway can leave it too high (the next signal scans and recounts it) or too
 * low by a slot whose waiter is the dead process itself (harmless).
 */
final class ConditionDescriptor {
    static final int MAGIC = 0x56434C4B; // "KLCV" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int WAITER_SLOTS_OFFSET = 4;
    static final int WAITING_OFFSET = 64;
    static final int HIGH_WATER_OFFSET = 68;
    static final int NEXT_ARRIVAL_OFFSET = 72;
    static final int WAITER_TABLE_OFFSET = 128;
    static final int WAITER_SLOT_LENGTH = 32;
    /** Threads that can wait at once; one more is refused with a clear error. */
    static final int WAITER_SLOTS = 128;
    static final int LENGTH = WAITER_TABLE_OFFSET + WAITER_SLOTS * WAITER_SLOT_LENGTH;

    static final int FREE = 0;
    static final int WAITING = 1;
    static final int SIGNALLED = 2;

    private ConditionDescriptor() {
    }

    static int processOffset(final int slot) {
        return WAITER_TABLE_OFFSET + slot * WAITER_SLOT_LENGTH;
    }

    static int threadOffset(final int slot) {
        return WAITER_TABLE_OFFSET + slot * WAITER_SLOT_LENGTH + 8;
    }

    static int arrivalOffset(final int slot) {
        return WAITER_TABLE_OFFSET + slot * WAITER_SLOT_LENGTH + 16;
    }

    static int stateOffset(final int slot) {
        return WAITER_TABLE_OFFSET + slot * WAITER_SLOT_LENGTH + 24;
    }
}
