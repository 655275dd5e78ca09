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
 *  |                 Initial value (semaphores)                    | 12
 *  +---------------------------------------------------------------+
 *  |             Holder slots N (semaphores; 0 for locks)          | 16
 *  +---------------------------------------------------------------+
 *  |   Recovery: 0 on, 1 off (a release by a process holding no    | 20  (set once, never back)
 *  |   permit), 2 off (more than N processes took permits)         |
 *  +---------------------------------------------------------------+
 *  |                  Reserved up to the cache line                ... 24..63
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
 *  +===============================================================+
 *  |  Holder slot 0 (semaphores only): the holding process         | 128 (CAS; 0 = free)
 *  |  (pid << 32 | low 32 bits of its start millis); sign bit set  |
 *  |  = being reclaimed by the process in the other 63 bits        |
 *  +---------------------------------------------------------------+
 *  |  Shared count: permits taken, not released, by its threads    | 136 (atomic add)
 *  |  that have no word of their own                               |
 *  +---------------------------------------------------------------+
 *  |  Thread word 0: the same count for one thread of the holder   | 140 (one writer:
 *  |  (may go below 0: a release of a sibling thread's permit)      |      plain + release)
 *  +---------------------------------------------------------------+
 *  |  Thread words 1 ... 12                                        | 144 ... 188
 *  +===============================================================+
 *  |  Holder slot 1 ... slot N-1, one cache line each              | 192 ... 128 + 64 N
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
 *
 * <p>Semaphore holders (see {@link PermitHolders}): a process claims a slot the first time it takes
 * a permit and keeps it while it lives; the slot counts the permits it took minus those it gave
 * back, as the sum of its shared count and its thread words. Each of up to 13 threads of the
 * process has a word that only it writes, so counting costs no atomic instruction on the fast
 * path; further threads share the atomic count. Each slot has its own cache line, so processes
 * never contend on one another's counts. A
 * slot is freed only by a process that found its holder dead: it marks the slot with its own
 * identity and the sign bit, takes the count with get-and-set 0, returns those permits (never
 * beyond the initial value), then writes 0. A reclaimer that dies midway is itself reclaimed; the
 * count is zeroed before permits are returned, so a death there loses permits, never adds any.
 */
final class SemLockDescriptor {
    static final int MAGIC = 0x4C534C4B; // "KLSL" in little-endian memory
    static final int MAGIC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int MAX_VALUE_OFFSET = 8;
    static final int INITIAL_VALUE_OFFSET = 12;
    static final int HOLDER_SLOTS_OFFSET = 16;
    static final int RECOVERY_OFFSET = 20;

    static final int OWNER_TOKEN_OFFSET = 64;
    static final int OWNER_START_OFFSET = 72;
    static final int COUNT_OFFSET = 80;
    static final int RECURSION_OFFSET = 84;
    static final int OWNER_DIED_OFFSET = 88;

    /** Length of a lock; a semaphore adds its holder table ({@link #semaphoreLength(int)}). */
    static final int LENGTH = 128;

    static final int RECOVERY_ON = 0;
    static final int RECOVERY_OFF_RELEASED_BY_NON_HOLDER = 1;
    static final int RECOVERY_OFF_TABLE_FULL = 2;

    static final int HOLDER_TABLE_OFFSET = 128;
    static final int HOLDER_SLOT_LENGTH = 64;
    static final int HOLDER_OFFSET = 0;
    static final int HOLDER_PERMITS_OFFSET = 8;
    static final int HOLDER_THREAD_WORDS_OFFSET = 12;
    static final int HOLDER_THREAD_WORDS = 13;
    /** Live processes that can have taken permits, each keeping its slot while it lives: 8 KiB, sparse until used. */
    static final int HOLDER_SLOTS = 128;

    static final int KIND_LOCK = 1;
    static final int KIND_RLOCK = 2;
    static final int KIND_SEMAPHORE = 3;
    static final int KIND_BOUNDED_SEMAPHORE = 4;

    private SemLockDescriptor() {
    }

    static int semaphoreLength(final int holderSlots) {
        return HOLDER_TABLE_OFFSET + holderSlots * HOLDER_SLOT_LENGTH;
    }

    static int holderOffset(final int slot) {
        return HOLDER_TABLE_OFFSET + slot * HOLDER_SLOT_LENGTH + HOLDER_OFFSET;
    }

    static int holderPermitsOffset(final int slot) {
        return HOLDER_TABLE_OFFSET + slot * HOLDER_SLOT_LENGTH + HOLDER_PERMITS_OFFSET;
    }

    static int holderThreadWordOffset(final int slot, final int word) {
        return HOLDER_TABLE_OFFSET + slot * HOLDER_SLOT_LENGTH + HOLDER_THREAD_WORDS_OFFSET + word * 4;
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
