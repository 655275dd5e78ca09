package org.kernellib.mp.shared.sync;

/**
 * Memory layout of a {@link Barrier}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLBA'                           |  0
 *  |                         Parties                               |  4
 *  |                  Party slots N                                |  8
 *  |                  Reserved up to the cache line                ... 12..63
 *  +===============================================================+
 *  |        State: generation (high 32) | arrived (low 32)         | 64  CAS
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Broken: 0 intact, -1 aborted or timed out, or the pid of    | 72  CAS from 0, once
 *  |   a party that died                                           |
 *  +---------------------------------------------------------------+
 *  |                  Reserved up to the cache line                ... 80..127
 *  +===============================================================+
 *  |   Party slot 0: a process that uses the barrier               | 128 CAS; 0 = free
 *  |   (pid << 32 | low 32 bits of its start millis)               |
 *  +---------------------------------------------------------------+
 *  |   Party slot 1 ... N-1                                        | 136 ... 128 + 8 N
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Generation and count share one word so that the last arrival resets the count and opens the
 * next generation in one compare-and-set: no arrival can be counted in the wrong generation. The
 * reason for breaking is one word too, so whoever sees the barrier broken sees why.
 *
 * <p>Party slots ({@link BarrierParties}): a process takes one when it receives the barrier or
 * first waits at it, and gives it back when it exits normally; waiters check the liveness of the
 * processes in the slots. They change rarely, so they share cache lines.
 */
final class BarrierDescriptor {
    static final int MAGIC = 0x41424C4B; // "KLBA" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int PARTIES_OFFSET = 4;
    static final int PARTY_SLOTS_OFFSET = 8;
    static final int STATE_OFFSET = 64;
    static final int BROKEN_OFFSET = 72;
    static final int PARTY_TABLE_OFFSET = 128;
    /** Processes a barrier watches at most; more are not watched (the barrier still works). */
    static final int PARTY_SLOTS = 64;
    static final int LENGTH = PARTY_TABLE_OFFSET + PARTY_SLOTS * 8;

    static final long BROKEN_NOT = 0L;
    static final long BROKEN_ABORTED = -1L;

    private BarrierDescriptor() {
    }

    static int partyOffset(final int slot) {
        return PARTY_TABLE_OFFSET + slot * 8;
    }
}
