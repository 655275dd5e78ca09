package org.kernellib.mp.shared.queue;

import org.kernellib.mp.shared.memory.SharedFile;

/**
 * Memory layout of a shared {@link Queue}: a header, counters on their own cache lines, then a
 * ring of variable-length records ({@link RingBuffer} holds the protocol that moves them).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLQU'                           |   0
 *  |           Kind (1 Queue, 2 JoinableQueue, 3 SimpleQueue)      |   4
 *  |              Ring capacity in bytes (power of two)            |   8
 *  |                Max size in items (0 = unbounded)              |  12
 *  |     Shut down: 0 no, 1 shutdown(), 2 shutdown(immediate)      |  16  CAS, only grows
 *  |                  Reserved up to the cache line                ...
 *  +===============================================================+
 *  |                 Tail: next position producers claim           |  64  producers CAS
 *  |                           (64 bits)                           |
 *  +===============================================================+
 *  |               Claim: next position consumers claim            | 128  consumers CAS
 *  |                           (64 bits)                           |
 *  +===============================================================+
 *  |          Head: first position not yet given back to producers | 192  reclaimer CAS
 *  |                           (64 bits)                           |
 *  |          Reclaim flag (0 free, else the holder's pid)         | 200  CAS
 *  |     Reclaimer start stamp (0 = not written yet, see below)    | 204  flag holder only
 *  +===============================================================+
 *  |  Items: put and not yet got (bounded queues; for unbounded     | 256  all, getAndAdd
 *  |  ones, operations without a slot: see ItemCounts)             |
 *  +===============================================================+
 *  |        Unfinished tasks (JoinableQueue: put minus taskDone)   | 320  all, getAndAdd
 *  |                           (64 bits)                           |
 *  +===============================================================+
 *  |    Writer tickets: handles serialized, not yet deserialized   | 384  all, CAS
 *  |    Writer overflow: processes that found no free slot         | 388  all, getAndAdd
 *  |          Time of the last ticket (epoch millis, 64 bits)      | 392  all
 *  |   7 writer slots of 16 bytes: pid (CAS from 0), start stamp,  | 400  one slot per process
 *  |                     8 bytes reserved                          ...
 *  +===============================================================+
 *  |  Announcement overflow: operations running without a slot     | 512  all, getAndAdd
 *  +===============================================================+
 *  |  64 announcement slots of 64 bytes, one cache line each:      | 576  see below
 *  |  slot i at 576 + 64 i                                         ...
 *  +===============================================================+
 *  |                     Ring: capacity bytes of records           ... 4672..
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Announcement slot ({@link Announcements}; offsets from the slot's start):
 * <pre>
 *  +---------------------------------------------------------------+
 *  |  Owner: process token (pid, start stamp), 0 = free  (64 bits) | +0   CAS
 *  +---------------------------------------------------------------+
 *  |  Producer: tail position about to be reserved, -1 = none      | +8   owner only
 *  |                           (64 bits)                           |
 *  |  Producer: bytes it reserves there (padding included)         | +16  owner only
 *  |                     4 bytes reserved                          | +20
 *  +---------------------------------------------------------------+
 *  |  Consumer: claim position about to be taken, -1 = none        | +24  owner only
 *  |                           (64 bits)                           |
 *  +---------------------------------------------------------------+
 *  |  Puts: items this slot's puts counted (unbounded queues)      | +32  owner only*
 *  |  Put mark: what Puts becomes once the put in flight counts    | +36  owner only
 *  |  Takes: items this slot's gets uncounted (unbounded queues)   | +40  owner only*
 *  |  Take mark: what Takes becomes once the get in flight uncounts| +44  owner only
 *  |                    16 bytes reserved                          | +48
 *  +---------------------------------------------------------------+
 * </pre>
 * (*) and, for a dead owner, whoever holds the reclaim flag ({@link ItemCounts}). A slot taken
 * over keeps its counters: they are part of the queue's count.
 *
 * <p>Positions only grow (64 bits never wrap in practice): a record's place in the ring is
 * {@code position & (capacity - 1)}, and comparing positions instead of ring offsets rules out
 * ABA mistakes in the compare-and-sets. Producers and consumers write different cache lines.
 *
 * <p>Record layout (every record starts 8-byte aligned; L is its aligned total length):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  State: 0 or less reserved, L committed, -L consumed          | +0
 *  +---------------------------------------------------------------+
 *  |  Payload length in bytes (-1 marks padding to the ring's end) | +4
 *  +---------------------------------------------------------------+
 *  |  Owner pid: the producer's while reserved (0 or less: not     | +8
 *  |  written yet); once claimed, the consumer's, negated          |
 *  +---------------------------------------------------------------+
 *  |   Owner start stamp (low 32 bits of its start millis)         | +12
 *  +---------------------------------------------------------------+
 *  |                        Payload ...                            | +16
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>What a reserved record reads as before its producer writes it: zeros, except that a word may
 * still hold the negative state of a record of the previous lap, or the -1 length of consumed
 * padding (consumers zero every record's body when they release it, padding's length word
 * excepted, and reclaiming does not write the ring at all). Both are negative, and both sit
 * only where a state, length, stamp or payload word may be. Hence "reserved" is any state &lt;= 0
 * at a position below the tail, and a reserver pid is known only once it is positive. The
 * producer writes length and start stamp first and the pid last, with a release store, so a
 * consumer that reads a positive pid (acquire) also sees the record's length. A consumer that
 * takes a record signs it the same way, stamp first and its pid negated last, so a reclaimer that
 * reads a negative pid (acquire) knows whose stamp it sees. Padding is never signed, and its
 * owner word is not cleared when it is published: a reclaimer does not read it.
 *
 * <p>The announcement slots ({@link Announcements}) name the owner of a record during the
 * instructions in which the record cannot: a producer writes the tail position it is about to
 * reserve and the bytes it reserves there (padding to the ring's end included) before its
 * compare-and-set of the tail, a consumer the claim position before its compare-and-set of the
 * claim; {@link RingBuffer} says how a recoverer reads them. A slot belongs to a process (its
 * {@code ProcessIdentity} token, claimed by one compare-and-set, so pid reuse is told apart); a
 * dead owner's slot is taken over only when the reservation it announced lies wholly below the
 * claim position and the position it announced taking lies below the head.
 *
 * <p>The writer slots serve {@link QueueWriters}: which processes hold an open handle that writes
 * to this queue (the sending end of a pipe), so that the receiving end can tell "nothing yet"
 * from "nothing ever again". A slot's start stamp follows the identity protocol below.
 *
 * <p>Identity protocol (why a reused pid cannot keep a dead producer's record alive): a record's
 * reserver is dead when its pid is gone, a zombie, or now belongs to a process started at another
 * time than the stamp says. The reclaimer's start stamp follows the lock protocol of
 * {@code SemLockDescriptor}: the holder writes it after winning the flag and zeroes it before
 * freeing the flag; whoever frees a dead holder's flag zeroes it first. A reader that sees 0 checks
 * only whether the pid exists.
 */
final class QueueDescriptor {
    static final int MAGIC = 0x55514C4B; // "KLQU" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int CAPACITY_OFFSET = 8;
    static final int MAX_SIZE_OFFSET = 12;
    /** Python 3.13's shutdown state; see {@link QueueShutdown}. */
    static final int SHUTDOWN_OFFSET = 16;

    static final int TAIL_OFFSET = 64;
    static final int CLAIM_OFFSET = 128;
    static final int HEAD_OFFSET = 192;
    static final int RECLAIM_FLAG_OFFSET = 200;
    static final int RECLAIM_START_OFFSET = 204;
    static final int ITEMS_OFFSET = 256;
    static final int UNFINISHED_OFFSET = 320;

    static final int WRITER_TICKETS_OFFSET = 384;
    static final int WRITER_OVERFLOW_OFFSET = 388;
    static final int WRITER_TICKET_MILLIS_OFFSET = 392;
    static final int WRITER_SLOTS_OFFSET = 400;
    static final int WRITER_SLOT_LENGTH = 16;
    static final int WRITER_SLOT_START_OFFSET = 4;
    static final int WRITER_SLOTS = 7;

    static final int ANNOUNCE_OVERFLOW_OFFSET = 512;
    static final int ANNOUNCE_SLOTS_OFFSET = 576;
    static final int ANNOUNCE_SLOT_LENGTH = 64;
    static final int ANNOUNCE_SLOTS = 64;
    static final int SLOT_OWNER_OFFSET = 0;
    static final int SLOT_TAIL_OFFSET = 8;
    static final int SLOT_NEED_OFFSET = 16;
    static final int SLOT_CLAIM_OFFSET = 24;
    static final int SLOT_PUTS_OFFSET = 32;
    static final int SLOT_PUT_MARK_OFFSET = 36;
    static final int SLOT_TAKES_OFFSET = 40;
    static final int SLOT_TAKE_MARK_OFFSET = 44;

    static final int RING_OFFSET = ANNOUNCE_SLOTS_OFFSET + ANNOUNCE_SLOTS * ANNOUNCE_SLOT_LENGTH; // 4672

    static final int RECORD_STATE_OFFSET = 0;
    static final int RECORD_LENGTH_OFFSET = 4;
    static final int RECORD_RESERVER_PID_OFFSET = 8;
    static final int RECORD_RESERVER_START_OFFSET = 12;
    /** Bytes before a record's payload. */
    static final int RECORD_HEADER_LENGTH = 16;
    static final int RECORD_ALIGNMENT = 8;
    /** The payload length that marks a record as padding to the ring's end. */
    static final int PADDING_LENGTH = -1;

    static final int KIND_QUEUE = 1;
    static final int KIND_JOINABLE = 2;
    static final int KIND_SIMPLE = 3;

    /** Default ring size: 1 MiB; items up to half of it fit. */
    static final int DEFAULT_CAPACITY = 1 << 20;
    static final int MIN_CAPACITY = 4096;
    static final int MAX_CAPACITY = 1 << 30;

    private QueueDescriptor() {
    }

    /** A new queue file: its header written, magic last. */
    static SharedFile allocate(final int kind, final int maxsize, final int capacityBytes) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("maxsize must be >= 0 (0 = unbounded), got " + maxsize);
        }
        if (capacityBytes < MIN_CAPACITY || capacityBytes > MAX_CAPACITY) {
            throw new IllegalArgumentException("queue capacity must be between " + MIN_CAPACITY + " and "
                    + MAX_CAPACITY + " bytes, got " + capacityBytes);
        }
        int capacity = Integer.highestOneBit(capacityBytes);
        if (capacity < capacityBytes) {
            capacity <<= 1;
        }
        SharedFile f = SharedFile.create(kindName(kind).toLowerCase(),
                (long) RING_OFFSET + capacity);
        f.setIntPlain(KIND_OFFSET, kind);
        f.setIntPlain(CAPACITY_OFFSET, capacity);
        f.setIntPlain(MAX_SIZE_OFFSET, maxsize);
        f.setIntRelease(MAGIC_OFFSET, MAGIC);
        return f;
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
