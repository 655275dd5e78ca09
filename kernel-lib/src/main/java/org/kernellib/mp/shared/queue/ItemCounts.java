package org.kernellib.mp.shared.queue;

import static org.kernellib.mp.shared.queue.QueueDescriptor.ANNOUNCE_SLOTS;
import static org.kernellib.mp.shared.queue.QueueDescriptor.ITEMS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_CLAIM_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_OWNER_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_PUTS_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_PUT_MARK_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_TAIL_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_TAKES_OFFSET;
import static org.kernellib.mp.shared.queue.QueueDescriptor.SLOT_TAKE_MARK_OFFSET;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * How an unbounded queue counts its items ({@code qsize()}) so that the count stays exact when a
 * producer or a consumer is killed at any instruction.
 *
 * <p>Why not one shared word: counting there and the record that proves it are two stores, and a
 * process killed between them left the count one too high for ever (a producer killed after
 * counting but before its record named it; a consumer killed after giving its record back but
 * before uncounting), with nothing a recoverer could read to tell. So every announcement slot
 * ({@link QueueDescriptor}) carries two counters that only its owner writes while it lives, the
 * items its puts counted and the items its gets uncounted, and {@code qsize()} is the sum over the
 * slots of puts minus takes, plus the items word, where operations running without a slot still
 * count (as every operation of a bounded queue does: its count is the bound). Before its compare-and-set an
 * operation writes, next to its announcement, the value its counter will hold once it has counted
 * (the mark); counting is then the one store "counter = mark". A recoverer that finds a dead
 * process's record reads in that process's slot whether it counted: counter == mark.
 * <ul>
 * <li>A producer counts after winning the tail and before its record names it (so a named record
 *     is a counted one, as before). A recoverer that gives up a dead producer's record uncounts it
 *     for the dead producer, under the reclaim flag and before publishing the padding, by setting
 *     its counter to mark - 1: a recoverer killed in between leaves an unpublished record whose
 *     slot now says "not counted", and the next one only pads it.
 * <li>A consumer uncounts before it gives its record back. A reclaimer that consumes a dead
 *     consumer's record uncounts for it (counter = mark) unless its slot says it did.
 * </ul>
 * Two dead slots may have announced the same position (a process killed right after losing the
 * compare-and-set there). A loser's counter never equals its mark (announcing sets the mark one
 * ahead), so "some candidate counted" is the winner's state; and uncounting on any candidate's
 * behalf changes the sum alike. The counters are ints whose differences wrap correctly while the
 * queue holds fewer than 2^31 items.
 */
final class ItemCounts {
    private ItemCounts() {
    }

    /** Before a producer announces a reservation: the mark its count will reach. */
    static void markPut(final SharedFile f, final int slot) {
        if (slot != Announcements.OVERFLOW) {
            f.setIntPlain(slot + SLOT_PUT_MARK_OFFSET, f.getIntPlain(slot + SLOT_PUTS_OFFSET) + 1);
        }
    }

    /** After winning the tail, before the record names its producer: the one store that counts the item. */
    static void countPut(final SharedFile f, final int slot) {
        if (slot == Announcements.OVERFLOW) {
            f.getAndAddInt(ITEMS_OFFSET, 1);
        } else {
            f.setIntPlain(slot + SLOT_PUTS_OFFSET, f.getIntPlain(slot + SLOT_PUT_MARK_OFFSET));
        }
    }

    /** A put (with a slot) that gives its reserved record up as padding: first says in its slot that it did not count. */
    static void uncountOwnPut(final SharedFile f, final int slot) {
        f.setIntRelease(slot + SLOT_PUTS_OFFSET, f.getIntPlain(slot + SLOT_PUT_MARK_OFFSET) - 1);
    }

    /** Before a consumer announces a claim: the mark its uncount will reach. */
    static void markTake(final SharedFile f, final int slot) {
        if (slot != Announcements.OVERFLOW) {
            f.setIntPlain(slot + SLOT_TAKE_MARK_OFFSET, f.getIntPlain(slot + SLOT_TAKES_OFFSET) + 1);
        }
    }

    /** After reading a taken item, before giving its record back: the one store that uncounts it. */
    static void countTake(final SharedFile f, final int slot) {
        if (slot == Announcements.OVERFLOW) {
            f.getAndAddInt(ITEMS_OFFSET, -1);
        } else {
            f.setIntRelease(slot + SLOT_TAKES_OFFSET, f.getIntPlain(slot + SLOT_TAKE_MARK_OFFSET));
        }
    }

    /**
     * Items put and not yet taken: exact when no operation runs meanwhile, and never below the
     * count at some instant during the call. Takes are read first, puts after: an item is counted
     * before it can be taken, so every take read has its put read too (read the other way round,
     * a put missed and its take seen would read one too low, and {@code empty()} could be wrong).
     * Operations without a slot, counted in the items word, are outside this promise.
     */
    static int total(final SharedFile f) {
        int takes = 0;
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            takes += f.getIntVolatile(Announcements.slotOffset(i) + SLOT_TAKES_OFFSET);
        }
        int puts = 0;
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            puts += f.getIntVolatile(Announcements.slotOffset(i) + SLOT_PUTS_OFFSET);
        }
        return puts - takes + f.getIntVolatile(ITEMS_OFFSET);
    }

    /**
     * Under the reclaim flag, before the record a dead producer reserved at position {@code p}
     * is published as padding: uncounts its item if it counted it.
     *
     * @param pid the pid the record names, 0 when it names no one
     * @return false when no dead process's slot announced {@code p} (the producer ran without a
     *         slot: a named record's item is then in the items word, for the caller to uncount)
     */
    static boolean uncountDeadPut(final SharedFile f, final int capacity, final long p, final int pid) {
        int candidate = -1;
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            int s = Announcements.slotOffset(i);
            if (deadOwner(f, s, pid) && Announcements.mayCover(f.getLongAcquire(s + SLOT_TAIL_OFFSET), p, capacity)) {
                if (f.getIntVolatile(s + SLOT_PUTS_OFFSET) == f.getIntVolatile(s + SLOT_PUT_MARK_OFFSET)) {
                    f.setIntRelease(s + SLOT_PUTS_OFFSET, f.getIntVolatile(s + SLOT_PUT_MARK_OFFSET) - 1);
                    return true;
                }
                candidate = s;
            }
        }
        return candidate >= 0;
    }

    /**
     * Under the reclaim flag, before the record a dead consumer took at position {@code p} is
     * consumed for it: uncounts its item unless the consumer did.
     *
     * @param pid the pid that signed the record, 0 when it names no consumer
     * @return false when no dead process's slot announced taking {@code p} (the consumer ran
     *         without a slot: its item is in the items word, for the caller to uncount)
     */
    static boolean uncountDeadTake(final SharedFile f, final long p, final int pid) {
        int candidate = -1;
        for (int i = 0; i < ANNOUNCE_SLOTS; i++) {
            int s = Announcements.slotOffset(i);
            if (deadOwner(f, s, pid) && f.getLongAcquire(s + SLOT_CLAIM_OFFSET) == p) {
                if (f.getIntVolatile(s + SLOT_TAKES_OFFSET) == f.getIntVolatile(s + SLOT_TAKE_MARK_OFFSET)) {
                    return true; // it uncounted before it died
                }
                candidate = s;
            }
        }
        if (candidate < 0) {
            return false;
        }
        f.setIntRelease(candidate + SLOT_TAKES_OFFSET, f.getIntVolatile(candidate + SLOT_TAKE_MARK_OFFSET));
        return true;
    }

    /** The slot at {@code s} is owned by a dead process, the one with {@code pid} unless pid is 0 (slow: reads /proc). */
    private static boolean deadOwner(final SharedFile f, final int s, final int pid) {
        long owner = f.getLongVolatile(s + SLOT_OWNER_OFFSET);
        return owner != 0 && (pid == 0 || ProcessIdentity.pidOf(owner) == pid) && ProcessIdentity.isProcessDead(owner);
    }
}
