package org.kernellib.mp.shared.queue;

/**
 * Memory layout of a shared {@link Queue}: a header, counters on their own cache lines, then a
 * ring of variable-length records (see {@link RingBuffer} for the record protocol).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLQU'                           |   0
 *  |           Kind (1 Queue, 2 JoinableQueue, 3 SimpleQueue)      |   4
 *  |              Ring capacity in bytes (power of two)            |   8
 *  |                Max size in items (0 = unbounded)              |  12
 *  |                  Reserved up to the cache line                ...
 *  +===============================================================+
 *  |                 Tail: next position producers claim           |  64  producers CAS
 *  |                           (64 bits)                           |
 *  +===============================================================+
 *  |               Claim: next position consumers claim            | 128  consumers CAS
 *  |                           (64 bits)                           |
 *  +===============================================================+
 *  |          Head: first position not yet given back to producers | 192  reclaimer only
 *  |                           (64 bits)                           |
 *  |          Reclaim flag (0 free, else the holder's pid)         | 200  CAS
 *  +===============================================================+
 *  |           Items: put and not yet got (qsize, maxsize)         | 256  all, getAndAdd
 *  +===============================================================+
 *  |        Unfinished tasks (JoinableQueue: put minus taskDone)   | 320  all, getAndAdd
 *  |                           (64 bits)                           |
 *  +===============================================================+
 *  |                     Ring: capacity bytes of records           ... 512..
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Positions only grow (64 bits never wrap in practice): a record's place in the ring is
 * {@code position & (capacity - 1)}, and comparing positions instead of ring offsets rules out
 * ABA mistakes in the compare-and-sets. Producers and consumers write different cache lines.
 */
final class QueueDescriptor {
    static final int MAGIC = 0x55514C4B; // "KLQU" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int CAPACITY_OFFSET = 8;
    static final int MAX_SIZE_OFFSET = 12;

    static final int TAIL_OFFSET = 64;
    static final int CLAIM_OFFSET = 128;
    static final int HEAD_OFFSET = 192;
    static final int RECLAIM_FLAG_OFFSET = 200;
    static final int ITEMS_OFFSET = 256;
    static final int UNFINISHED_OFFSET = 320;

    static final int RING_OFFSET = 512;

    static final int KIND_QUEUE = 1;
    static final int KIND_JOINABLE = 2;
    static final int KIND_SIMPLE = 3;

    /** Default ring size: 1 MiB; items up to half of it fit. */
    static final int DEFAULT_CAPACITY = 1 << 20;
    static final int MIN_CAPACITY = 4096;
    static final int MAX_CAPACITY = 1 << 30;

    private QueueDescriptor() {
    }

    static String kindName(final int kind) {
        switch (kind) {
            case KIND_QUEUE: return "Queue";
            case KIND_JOINABLE: return "JoinableQueue";
            case KIND_SIMPLE: return "SimpleQueue";
            default: return "unknown queue kind " + kind;
        }
    }
}
