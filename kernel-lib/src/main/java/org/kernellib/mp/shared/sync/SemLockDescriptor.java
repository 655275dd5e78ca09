package org.kernellib.mp.shared.sync;

/**
 * Memory layout of a {@link SemLock}: the one small base under {@link Lock}, {@link RLock},
 * {@link Semaphore} and {@link BoundedSemaphore}.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'KLSL'                           |  0
 *  +---------------------------------------------------------------+
 *  |                    Kind (1 Lock, 2 RLock, 3 Sem, 4 BSem)      |  4
 *  +---------------------------------------------------------------+
 *  |                 Max value (bounded semaphores)                |  8
 *  +---------------------------------------------------------------+
 *  |                  Reserved up to the cache line                ... 12..63
 *  +===============================================================+
 *  |                       Owner token                             | 64  (CAS; 0 = free)
 *  |                   (pid << 32 | thread id)                     |
 *  +---------------------------------------------------------------+
 *  |                  Owner process start millis                   | 72  (0 = unknown)
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Count (semaphore permits)                    | 80  (CAS)
 *  +---------------------------------------------------------------+
 *  |                  Recursion depth (RLock)                      | 84  (owner only)
 *  +---------------------------------------------------------------+
 *  |                 Previous owner died (0 / 1)                   | 88  (owner only)
 *  +---------------------------------------------------------------+
 *  |                  Reserved up to the cache line                ... 92..127
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>The immutable header has its own cache line so that reading it never contends with the hot
 * line, which every acquirer writes. Everything on the hot line is written only by the current
 * owner, except the token and the count, which are claimed by compare-and-set.
 *
 * <p>Owner start protocol (why PID reuse cannot fool a waiter): the owner writes its start time
 * after winning the token, and writes 0 before releasing it; a waiter that recovers a dead owner's
 * lock writes 0 before its compare-and-set. A waiter thus sees either 0 (then only the pid's
 * existence counts) or the start time of the very process in the token.
 */
final class SemLockDescriptor {
    static final int MAGIC = 0x4C534C4B; // "KLSL" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int MAX_VALUE_OFFSET = 8;

    static final int OWNER_TOKEN_OFFSET = 64;
    static final int OWNER_START_OFFSET = 72;
    static final int COUNT_OFFSET = 80;
    static final int RECURSION_OFFSET = 84;
    static final int OWNER_DIED_OFFSET = 88;

    static final int LENGTH = 128;

    static final int KIND_LOCK = 1;
    static final int KIND_RLOCK = 2;
    static final int KIND_SEMAPHORE = 3;
    static final int KIND_BOUNDED_SEMAPHORE = 4;

    private SemLockDescriptor() {
    }

    static String kindName(final int kind) {
        switch (kind) {
            case KIND_LOCK: return "Lock";
            case KIND_RLOCK: return "RLock";
            case KIND_SEMAPHORE: return "Semaphore";
            case KIND_BOUNDED_SEMAPHORE: return "BoundedSemaphore";
            default: return "unknown kind " + kind;
        }
    }
}
