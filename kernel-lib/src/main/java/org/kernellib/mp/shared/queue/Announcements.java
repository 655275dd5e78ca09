package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.ANNOUNCE_OVERFLOW_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.ANNOUNCE_SLOTS;
import static org.kernellib.mp.shared.queue.QueueDescriptor.ANNOUNCE_SLOTS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.ANNOUNCE_SLOT_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.CLAIM_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.HEAD_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_HEADER_LENGTH;
import static org.kernellib.mp.shared.queue.QueueDescriptor.RECORD_ALIGNMENT;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_CLAIM_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_NEED_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_OWNER_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_TAIL_OFFSET;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * The announcement slots of a queue ({@link QueueDescriptor}): before its compare-and-set on the
 * tail, a producer writes the position and size it is about to reserve into a slot of its own, and
 * before its compare-and-set on the claim position, a consumer writes the position it is about to
 * take. So a record whose owner was killed in the instructions between winning its
 * compare-and-set and writing its identity into the record can still be named: by the dead
 * process whose announcement explains it. {@link RingBuffer} says how recoverers use this.
 *
 * <p>An announcement must stay put while it may matter, so each operation in flight has a slot to
 * itself: a thread leases one of this process's slots for one put or one get (the thread that
 * first used the queue in this process keeps its first slot, with no atomic instruction; other
 * threads lease further slots with a local compare-and-set). A thread that finds no slot at all
 * counts itself in the overflow word while it reserves or gets; while that word is not zero,
 * recoverers do not act on records nothing names, and consumers behind such a record time out
 * with a clear error, as they would without slots.
 *
 * <p>A process keeps its slots for its lifetime, shared by all its handles of the queue. A dead
 * process's slot is taken over only once its announcements lie behind the consumers (what it
 * reserved has been claimed, what it took has been reclaimed), so the announcement of a process
 * killed in its window is never erased while a recoverer needs it.
 */
final class Announcements {
    /** The lease of an operation that found no slot (counted in the overflow word instead). */
    static final int OVERFLOW = -1;
    /** Announced position meaning "none". */
    private static final long NONE = -1;
    private static final long TOKEN = ProcessIdentity.PROCESS_TOKEN;
    /** This process's slots per queue file. */
    private static final ConcurrentHashMap<Path, Announcements> OF_THIS_PROCESS = new ConcurrentHashMap<>();

    /** 1 while a thread of this process has leased slot i (slots other than the primary one). */
    private final AtomicIntegerArray leased = new AtomicIntegerArray(ANNOUNCE_SLOTS);
    /** Slots this process owns in the file; guarded by this. */
    private final boolean[] owned = new boolean[ANNOUNCE_SLOTS];
    /**
     * The thread that took this process's first slot: only it leases that slot, with plain
     * accesses to {@link #primaryBusy} (it is confined to that thread), so the common case of one
     * thread per process costs no atomic instruction. Null before the first operation.
     */
    private volatile Thread primaryThread;
    private int primaryOffset = -1;
    /** True while {@link #primaryThread} runs an operation with the primary slot (a nested one takes another). */
    private boolean primaryBusy;

    private Announcements() {
    }

    /** This process's slots of the queue in {@code f}, shared by all its handles of that queue. */
    static Announcements of(final SharedFile f) {
        return OF_THIS_PROCESS.computeIfAbsent(f.path(), p -> new Announcements());
    }

    /** The queue's file is gone; handles that exist keep their slots. */
    static void forget(final Path path) {
        OF_THIS_PROCESS.remove(path);
    }

    static int slotOffset(final int i) {
        return ANNOUNCE_SLOTS_OFFSET + i * ANNOUNCE_SLOT_LENGTH;
    }

    // ---- leases (hot path) -------------------------------------------------------------------

    /** A slot for one operation of the calling thread: its file offset, or {@link #OVERFLOW}. */
    int lease(final SharedFile f) {
        if (primaryThread == Thread.currentThread() && !primaryBusy) {
            primaryBusy = true;
            return primaryOffset;
        }
        return leaseSlow(f);
    }

    /** Ends a lease; the announcements stay as they are (they are positions, never reused). */
    void release(final SharedFile f, final int slot) {
        if (slot == OVERFLOW) {
            f.getAndAddInt(ANNOUNCE_OVERFLOW_OFFSET, -1);
        } else if (slot == primaryOffset) {
            primaryBusy = false; // only the primary thread leases this slot
        } else {
            leased.setRelease((slot - ANNOUNCE_SLOTS_OFFSET) / ANNOUNCE_SLOT_LENGTH, 0);
        }
    }

    /**
     * Before a producer's compare-and-set of the tail from {@code tail} to {@code tail + need}.
     * Release: a recoverer that reads this (acquire) also sees the pid this slot's previous
     * reservation wrote into its record.
     */
    static void announceTail(final SharedFile f, final int slot, final long tail, final int need) {
        if (slot != OVERFLOW) {
            f.setIntPlain(slot + SLOT_NEED_OFFSET, need);
            f.setLongRelease(slot + SLOT_TAIL_OFFSET, tail);
        }
    }

    /** A producer that lost its compare-and-set and finds no room: it reserves nothing now. */
    static void withdrawTail(final SharedFile f, final int slot) {
        if (slot != OVERFLOW) {
            f.setLongRelease(slot + SLOT_TAIL_OFFSET, NONE);
        }
    }

    /** Before a consumer's compare-and-set of the claim position from {@code claim}. */
    static void announceClaim(final SharedFile f, final int slot, final long claim) {
        if (slot != OVERFLOW) {
            f.setLongRelease(slot + SLOT_CLAIM_OFFSET, claim);
        }
    }

    /** A consumer that lost its compare-and-set and returns empty-handed: it takes nothing now. */
    static void withdrawClaim(final SharedFile f, final int slot) {
        if (slot != OVERFLOW) {
            f.setLongRelease(slot + SLOT_CLAIM_OFFSET, NONE);
        }
    }

    private synchronized int leaseSlow(final SharedFile f) {
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            if (owned[i] && slotOffset(i) != primaryOffset && leased.compareAndSet(i, 0, 1)) {
                return slotOffset(i);
            }
        }
        int i = claimSlot(f);
        if (i < 0) {
            f.getAndAddInt(ANNOUNCE_OVERFLOW_OFFSET, 1);
            return OVERFLOW;
        }
        owned[i] = true;
        if (primaryThread == null) {
            primaryOffset = slotOffset(i);
            primaryBusy = true;
            primaryThread = Thread.currentThread(); // volatile: publishes the two fields above
        } else {
            leased.set(i, 1);
        }
        return slotOffset(i);
    }

    /** Takes a free slot, or one whose dead owner's announcements no longer matter; -1 if none. */
    private static int claimSlot(final SharedFile f) {
        // Read before the slots: both only grow, so an older value only makes the test stricter.
        long claim = f.getLongVolatile(CLAIM_OFFSET);
        long head = f.getLongVolatile(HEAD_OFFSET);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
                int s = slotOffset(i);
                long owner = f.getLongVolatile(s + SLOT_OWNER_OFFSET);
                boolean take = owner == 0
                        // Dead first, then obsolete: a live owner's announcements may still change.
                        || pass == 1 && owner != TOKEN && ProcessIdentity.isProcessDead(owner) && obsolete(f, s, claim, head);
                if (take && f.compareAndSetLong(s + SLOT_OWNER_OFFSET, owner, TOKEN)) {
                    f.setIntPlain(s + SLOT_NEED_OFFSET, 0);
                    f.setLongPlain(s + SLOT_TAIL_OFFSET, NONE);
                    f.setLongRelease(s + SLOT_CLAIM_OFFSET, NONE);
                    return i;
                }
            }
        }
        return -1;
    }

    /** True when what the slot reserved has been claimed and what it took has been reclaimed. */
    private static boolean obsolete(final SharedFile f, final int s, final long claim, final long head) {
        long tail = f.getLongVolatile(s + SLOT_TAIL_OFFSET);
        long taken = f.getLongVolatile(s + SLOT_CLAIM_OFFSET);
        return (tail < 0 || tail + f.getIntVolatile(s + SLOT_NEED_OFFSET) <= claim) && taken < head;
    }

    // ---- what recoverers ask (slow: reads /proc) ---------------------------------------------

    /**
     * Who reserved the record at claim position {@code c}, which nothing in the ring names (its
     * state and owner pid are still unwritten), as far as the announcements can tell.
     *
     * @return null when it must be waited for: a live process announced this position (it may be
     *         the winner, still writing), an operation runs without a slot, or no dead process's
     *         announcement explains the record (or two explain it differently); else
     *         {@code {pid of the dead producer, bytes at c, bytes at the ring's start after c's
     *         padding (0 when c is not padding)}}
     */
    static int[] deadReservationAt(final SharedFile f, final int capacity, final long c) {
        if (f.getIntVolatile(ANNOUNCE_OVERFLOW_OFFSET) != 0) {
            return null;
        }
        int[] found = null;
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            int s = slotOffset(i);
            long owner = f.getLongVolatile(s + SLOT_OWNER_OFFSET);
            if (owner == 0 || !mayCover(f.getLongAcquire(s + SLOT_TAIL_OFFSET), c, capacity)) {
                continue;
            }
            if (!ProcessIdentity.isProcessDead(owner)) {
                return null;
            }
            // Its owner is dead, so the slot no longer changes (unless taken over, which the
            // second owner read rules out): read the announcement again, whole.
            long tail = f.getLongAcquire(s + SLOT_TAIL_OFFSET);
            int need = f.getIntAcquire(s + SLOT_NEED_OFFSET);
            if (f.getLongVolatile(s + SLOT_OWNER_OFFSET) != owner) {
                continue;
            }
            int[] layout = layoutAt(tail, need, c, capacity);
            if (layout == null) {
                continue;
            }
            if (found != null && (found[1] != layout[0] || found[2] != layout[1])) {
                return null;
            }
            found = new int[] {(int) ProcessIdentity.pidOf(owner), layout[0], layout[1]};
        }
        return found;
    }

    /**
     * The pid of a live process that announced reserving position {@code c}, or 0 (for an error
     * message; slow).
     */
    static int liveReserverAt(final SharedFile f, final int capacity, final long c) {
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            int s = slotOffset(i);
            long owner = f.getLongVolatile(s + SLOT_OWNER_OFFSET);
            if (owner != 0 && mayCover(f.getLongAcquire(s + SLOT_TAIL_OFFSET), c, capacity)
                    && !ProcessIdentity.isProcessDead(owner)) {
                return (int) ProcessIdentity.pidOf(owner);
            }
        }
        return 0;
    }

    /**
     * True when the record at position {@code p}, taken by a consumer that has not released it and
     * whose identity it does not carry, was taken by a dead process: only dead processes announced
     * taking {@code p}, and every operation has a slot.
     */
    static boolean takenOnlyByDead(final SharedFile f, final long p) {
        if (f.getIntVolatile(ANNOUNCE_OVERFLOW_OFFSET) != 0) {
            return false;
        }
        boolean dead = false;
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            int s = slotOffset(i);
            long owner = f.getLongVolatile(s + SLOT_OWNER_OFFSET);
            if (owner == 0 || f.getLongAcquire(s + SLOT_CLAIM_OFFSET) != p) {
                continue;
            }
            if (!ProcessIdentity.isProcessDead(owner)) {
                return false;
            }
            dead = true;
        }
        return dead;
    }

    /**
     * Whether an announced tail might be the reservation at claim position {@code c}, whatever its
     * size: it starts at c, or it starts before c and wraps, so that c is the ring's start where
     * its record went after its padding.
     */
    static boolean mayCover(final long tail, final long c, final int capacity) {
        return tail == c || tail >= 0 && tail < c && tail + toEnd(tail, capacity) == c;
    }

    /**
     * The records a reservation of {@code need} bytes at {@code tail} puts at claim position
     * {@code c}: {bytes at c, bytes at the ring's start after c's padding or 0}, or null when it
     * puts nothing at c (or the announcement is not a size a producer reserves).
     */
    private static int[] layoutAt(final long tail, final int need, final long c, final int capacity) {
        if (tail < 0 || need <= 0 || need % RECORD_ALIGNMENT != 0) {
            return null;
        }
        int toEnd = toEnd(tail, capacity);
        int record = need <= toEnd ? need : need - toEnd;
        if (record < RECORD_HEADER_LENGTH || record > capacity / 2) {
            return null;
        }
        if (need <= toEnd) {
            return tail == c ? new int[] {need, 0} : null;
        }
        if (tail == c) {
            return new int[] {toEnd, record};
        }
        return tail + toEnd == c ? new int[] {record, 0} : null;
    }

    private static int toEnd(final long position, final int capacity) {
        return capacity - (int) (position & (capacity - 1));
    }
}
