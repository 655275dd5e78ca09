package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.SemLockDescriptor.COUNT_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.HOLDER_SLOTS_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.INITIAL_VALUE_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.RECOVERY_OFF_RELEASED_BY_NON_HOLDER;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.RECOVERY_OFF_TABLE_FULL;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.RECOVERY_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.RECOVERY_ON;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.holderOffset;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.holderPermitsOffset;

import java.util.concurrent.ConcurrentHashMap;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * Which processes hold a semaphore's permits, kept in the semaphore's own shared memory (the
 * holder table of {@link SemLockDescriptor}), so that the permits of a process that died holding
 * them can be given back to the others.
 *
 * <p>A permit belongs to the process that took it until that process (any of its threads) gives
 * it back: the lock-like use, {@code try (Held permit = sem.hold()) {...}}. Permits are not
 * always used that way: a semaphore created with 0 and released by producers counts items, and a
 * permit one process takes and another gives back is a hand-off. For those, "the permits a dead
 * process held" means nothing, and giving any back would invent items or overfill a buffer. So
 * the first release by a process that holds no permit switches recovery off for that semaphore
 * for good (Python's behaviour: nothing is given back). Recovery also switches off, rather than
 * guess, when more than {@value SemLockDescriptor#HOLDER_SLOTS} live processes have taken permits.
 * Permits are never given back beyond the semaphore's initial value.
 *
 * <p>The limits that remain: a process killed in the nanoseconds between taking a permit and
 * counting it (or between uncounting one and giving it back) loses that permit, as every POSIX
 * semaphore would; and a semaphore used lock-like whose first hand-off comes after a holder died
 * may have given that holder's permits back already.
 */
final class PermitHolders {
    /** This process has no slot: recovery is off (table full), or it never took a permit. */
    static final int NO_SLOT = -1;

    /**
     * This process's slot in each semaphore it took permits from, by file path: every handle of one
     * semaphore in this process must count into the same slot, or a release through one handle of
     * a permit taken through another would look like a hand-off.
     */
    private static final ConcurrentHashMap<String, ProcessSlot> SLOTS = new ConcurrentHashMap<>();
    private static final ProcessSlot NONE = new ProcessSlot(NO_SLOT);

    /**
     * This process's slot in one semaphore, and which of this process's threads counts in which
     * word of it. A word is written by one thread at a time (plain stores with release), so
     * counting a permit needs no atomic instruction; a thread that finds every word taken by a
     * live thread counts in the slot's shared word with atomic adds.
     */
    static final class ProcessSlot {
        final int slot;
        private final Thread[] writers = new Thread[SemLockDescriptor.HOLDER_THREAD_WORDS];
        private final ThreadLocal<Word> words = new ThreadLocal<>();

        ProcessSlot(final int slot) {
            this.slot = slot;
        }

        /** The calling thread's word (assigned on first use; a dead thread's word is reused). */
        Word word() {
            Word w = words.get();
            if (w == null) {
                w = new Word(Thread.currentThread(), assign());
                words.set(w);
            }
            return w;
        }

        private synchronized int assign() {
            Thread me = Thread.currentThread();
            for (int k = 0; k < writers.length; k++) {
                // A dead thread's count stays in its word (the process still holds those permits);
                // the word's next writer just carries on from it.
                if (writers[k] == null || !writers[k].isAlive()) {
                    writers[k] = me;
                    return SemLockDescriptor.holderThreadWordOffset(slot, k);
                }
            }
            return Word.SHARED;
        }

        /** Permits this process holds: the shared word plus every thread word (a snapshot). */
        int held(final SharedFile f) {
            int sum = f.getIntVolatile(holderPermitsOffset(slot));
            for (int k = 0; k < SemLockDescriptor.HOLDER_THREAD_WORDS; k++) {
                sum += f.getIntVolatile(SemLockDescriptor.holderThreadWordOffset(slot, k));
            }
            return sum;
        }
    }

    /** One thread's counting word in its process's slot: an offset, or {@link #SHARED}. */
    static final class Word {
        static final int SHARED = -1;
        final Thread thread;
        final int offset;

        Word(final Thread thread, final int offset) {
            this.thread = thread;
            this.offset = offset;
        }
    }

    private PermitHolders() {
    }

    static boolean recoveryOn(final SharedFile f) {
        return f.getIntAcquire(RECOVERY_OFFSET) == RECOVERY_ON;
    }

    static void switchOff(final SharedFile f, final int reason) {
        f.compareAndSetInt(RECOVERY_OFFSET, RECOVERY_ON, reason);
    }

    /** This process's slot, claimed on its first permit; its {@code slot} is {@link #NO_SLOT} when the table is full. */
    static ProcessSlot claimSlot(final SharedFile f) {
        return SLOTS.computeIfAbsent(f.path().toString(), path -> {
            int slot = claim(f);
            return slot == NO_SLOT ? NONE : new ProcessSlot(slot);
        });
    }

    /** This process's slot if it ever took a permit of this semaphore, else null. */
    static ProcessSlot existingSlot(final SharedFile f) {
        ProcessSlot p = SLOTS.get(f.path().toString());
        return p == null || p.slot == NO_SLOT ? null : p;
    }

    private static int claim(final SharedFile f) {
        final int n = f.getIntPlain(HOLDER_SLOTS_OFFSET);
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int i = 0; i < n; i++) {
                if (f.getLongVolatile(holderOffset(i)) == 0L
                        && f.compareAndSetLong(holderOffset(i), 0L, ProcessIdentity.PROCESS_TOKEN)) {
                    return i;
                }
            }
            if (attempt == 0) {
                reclaimDead(f, true);
            }
        }
        switchOff(f, RECOVERY_OFF_TABLE_FULL);
        return NO_SLOT;
    }

    /**
     * Makes, once and without effect, each shared-memory access that lies between taking a permit
     * and counting it, or between uncounting one and giving it back, so that a fresh JVM's first
     * permit has as short a window as every later one. The first use of a {@code VarHandle} access
     * mode in a JVM links it: 0.1 to 0.6 ms measured in a fresh JVM on two loaded cores, a hundred
     * times a later use, and more when the process is descheduled meanwhile; so a process killed
     * at a random moment (the soak's workers: fresh JVMs, one killed every few hundred
     * milliseconds) was far likelier to die inside the window on its first permit than on a later
     * one. Both accesses are no-ops: adding 0 to the count, and the calling thread writing its own
     * word's value back (no other thread writes that word while this process lives).
     */
    static void warmUp(final SharedFile f, final Word w) {
        f.getAndAddInt(COUNT_OFFSET, 0); // release gives back with it (and a shared word counts with it)
        if (w.offset != Word.SHARED) {
            f.setIntRelease(w.offset, f.getIntPlain(w.offset)); // tookPermit and gavePermit count with it
        }
    }

    /** Counts a permit the calling thread took (after taking it: a death in between loses it, never adds one). */
    static void tookPermit(final SharedFile f, final ProcessSlot p, final Word w) {
        if (w.offset == Word.SHARED) {
            f.getAndAddInt(holderPermitsOffset(p.slot), 1);
        } else {
            f.setIntRelease(w.offset, f.getIntPlain(w.offset) + 1);
        }
    }

    /**
     * Uncounts a permit the calling thread gives back; false (nothing changed) when this process
     * holds none. A thread may give back a permit another thread of its process took: its own
     * word then goes below 0, and the process's sum stays right.
     */
    static boolean gavePermit(final SharedFile f, final ProcessSlot p, final Word w) {
        if (w.offset == Word.SHARED) {
            int at = holderPermitsOffset(p.slot);
            if (f.getAndAddInt(at, -1) > 0 || p.held(f) >= 0) {
                return true;
            }
            f.getAndAddInt(at, 1);
            return false;
        }
        int v = f.getIntPlain(w.offset);
        if (v > 0 || p.held(f) > 0) {
            f.setIntRelease(w.offset, v - 1);
            return true;
        }
        return false;
    }

    /**
     * Gives back the permits of holders whose process died and frees their slots; returns how many
     * permits went back to the count.
     *
     * <p>Slow: reads /proc once per holder it checks. Waiters call it every few milliseconds.
     *
     * @param alsoEmpty also check (and free) slots of holders that hold no permit, to make room
     */
    static int reclaimDead(final SharedFile f, final boolean alsoEmpty) {
        final int n = f.getIntPlain(HOLDER_SLOTS_OFFSET);
        final long mark = Long.MIN_VALUE | ProcessIdentity.PROCESS_TOKEN;
        int back = 0;
        for (int i = 0; i < n; i++) {
            final int at = holderOffset(i);
            long holder = f.getLongVolatile(at);
            if (holder == 0L || holder == ProcessIdentity.PROCESS_TOKEN || holder == mark) {
                continue;
            }
            // A negative holder is a reclaimer's mark: it is checked like a holder, so a reclaimer
            // that died midway is finished by the next one.
            if (holder > 0 && !alsoEmpty && held(f, i) <= 0) {
                continue;
            }
            if (!ProcessIdentity.isProcessDead(holder & Long.MAX_VALUE) || !f.compareAndSetLong(at, holder, mark)) {
                continue;
            }
            // Zero first, give back second: a death between the two loses permits, never adds any.
            int permits = f.getAndSetInt(holderPermitsOffset(i), 0);
            for (int k = 0; k < SemLockDescriptor.HOLDER_THREAD_WORDS; k++) {
                permits += f.getAndSetInt(SemLockDescriptor.holderThreadWordOffset(i, k), 0);
            }
            back += giveBack(f, permits);
            f.setLongRelease(at, 0L);
        }
        return back;
    }

    private static int held(final SharedFile f, final int slot) {
        int sum = f.getIntVolatile(holderPermitsOffset(slot));
        for (int k = 0; k < SemLockDescriptor.HOLDER_THREAD_WORDS; k++) {
            sum += f.getIntVolatile(SemLockDescriptor.holderThreadWordOffset(slot, k));
        }
        return sum;
    }

    /** Adds up to {@code permits} to the count, never beyond the initial value. */
    private static int giveBack(final SharedFile f, final int permits) {
        if (permits <= 0) {
            return 0;
        }
        final int initial = f.getIntPlain(INITIAL_VALUE_OFFSET);
        while (true) {
            int c = f.getIntVolatile(COUNT_OFFSET);
            int add = Math.min(permits, initial - c);
            if (add <= 0) {
                return 0;
            }
            if (f.compareAndSetInt(COUNT_OFFSET, c, c + add)) {
                return add;
            }
        }
    }

    /** Why dead holders' permits are not given back, or null when they are. */
    static String whyOff(final SharedFile f) {
        switch (f.getIntVolatile(RECOVERY_OFFSET)) {
            case RECOVERY_ON:
                return null;
            case RECOVERY_OFF_RELEASED_BY_NON_HOLDER:
                return "a process released a permit it had not taken, so permits are not owned";
            case RECOVERY_OFF_TABLE_FULL:
                return "more than " + f.getIntPlain(HOLDER_SLOTS_OFFSET) + " processes took permits";
            default:
                return "unknown recovery state";
        }
    }
}
