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
 *  |                  Reserved up to the cache line                ... 8..63
 *  +===============================================================+
 *  |        State: generation (high 32) | arrived (low 32)         | 64  CAS
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Broken (0 / 1)                              | 72
 *  |                  Reserved up to the cache line                ... 76..127
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Generation and count share one word so that the last arrival resets the count and opens the
 * next generation in one compare-and-set: no arrival can be counted in the wrong generation.
 */
final class BarrierDescriptor {
    static final int MAGIC = 0x41424C4B; // "KLBA" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int PARTIES_OFFSET = 4;
    static final int STATE_OFFSET = 64;
    static final int BROKEN_OFFSET = 72;
    static final int LENGTH = 128;

    private BarrierDescriptor() {
    }
}
