package org.kernellib.mp.shared.sync;

/**
 * Memory layout of a {@link Condition} (its lock is a separate {@link SemLock}).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLCV'                           |  0
 *  |                  Reserved up to the cache line                ... 4..63
 *  +===============================================================+
 *  |       Waiters not yet signalled (changed under the lock)      | 64
 *  |                  Reserved up to the cache line                ... 68..127
 *  +===============================================================+
 *  |      Tickets: signals not yet taken by a waiter (CAS)         | 128
 *  |                  Reserved up to the cache line                ... 132..191
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Invariant: waiters + tickets = threads inside {@code await}. A signal moves one count from
 * waiters to tickets; a waiting thread leaves by taking a ticket, or on timeout (holding the
 * lock again) by removing one waiter, or a ticket if a signal already chose it.
 */
final class ConditionDescriptor {
    static final int MAGIC = 0x56434C4B; // "KLCV" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int WAITERS_OFFSET = 64;
    static final int TICKETS_OFFSET = 128;
    static final int LENGTH = 192;

    private ConditionDescriptor() {
    }
}
