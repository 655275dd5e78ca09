package org.kernellib.mp.shared.sync;

/**
 * Memory layout of an {@link Event}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLEV'                           |  0
 *  |                  Reserved up to the cache line                ... 4..63
 *  +===============================================================+
 *  |                     Flag (0 clear, 1 set)                     | 64  release stores
 *  |                  Reserved up to the cache line                ... 68..127
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class EventDescriptor {
    static final int MAGIC = 0x56454C4B; // "KLEV" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int FLAG_OFFSET = 64;
    static final int LENGTH = 128;

    private EventDescriptor() {
    }
}
