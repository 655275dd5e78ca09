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
 *  |                  Reserved                                     | 12
 *  |            Default timeout in ns (0: none)                    | 16
 *  |                                                               |
 *  |                  Reserved up to the cache line                ... 24..63
 *  +===============================================================+
 *  | State: generation (24) | history (8) | arrived (32)            | 64  CAS
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
 * <p>The history says how the last 8 generations ended, bit 0 for the one just before the
 * current: 0 when all parties arrived, 1 when {@code reset()} ended it. It changes in the same
 * compare-and-set as the generation, so a waiter that sees its generation end knows whether it
 * was released or reset (a waiter that slept through more than 8 later generations is told it
 * was reset). With an action, the last arrival first counts itself (arrived == parties, which
 * holds off later arrivals), runs the action, then opens the next generation.
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
    static final int TIMEOUT_OFFSET = 16;
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

    static final int HISTORY_GENERATIONS = 8;
    private static final long GENERATION_MASK = (1L << 24) - 1;

    static long generation(final long state) {
        return state >>> 40;
    }

    /** The state that opens the generation after {@code state}'s, recording how that one ended. */
    static long nextGeneration(final long state, final boolean byReset) {
        long generation = (generation(state) + 1) & GENERATION_MASK;
        long history = ((state >>> 32) << 1 | (byReset ? 1 : 0)) & 0xFF;
        return generation << 40 | history << 32;
    }

    /** Whether {@code generation}, which ended before {@code now}, ended by reset. */
    static boolean endedByReset(final long now, final long generation) {
        long distance = (generation(now) - generation) & GENERATION_MASK;
        if (distance > HISTORY_GENERATIONS) {
            return true;
        }
        return ((now >>> 32) >>> (distance - 1) & 1) != 0;
    }
}
