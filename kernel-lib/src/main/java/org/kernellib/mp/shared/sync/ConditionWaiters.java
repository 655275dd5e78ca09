package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.ConditionDescriptor.FREE;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.HIGH_WATER_OFFSET;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.NEXT_ARRIVAL_OFFSET;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.SIGNALLED;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.WAITER_SLOTS_OFFSET;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.WAITING;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.WAITING_OFFSET;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.arrivalOffset;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.processOffset;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.stateOffset;
import static org.kernellib.mp.shared.sync.ConditionDescriptor.threadOffset;

import java.util.Arrays;

import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * The threads waiting on a {@link Condition}, one slot each in its shared memory (protocol in
 * {@link ConditionDescriptor}). Everything here except {@link #isSignalled} and {@link #freeSignalled}
 * runs with the condition's lock held.
 */
final class ConditionWaiters {
    /** Slot index bits in a sort key (arrival number above them). */
    private static final int INDEX_BITS = 8;

    private ConditionWaiters() {
    }

    /** Takes a slot for the calling thread, state WAITING; throws when every slot is in use by a live waiter. */
    static int enter(final SharedFile f) {
        final int n = f.getIntPlain(WAITER_SLOTS_OFFSET);
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int i = 0; i < n; i++) {
                if (f.getIntVolatile(stateOffset(i)) == FREE) {
                    long arrival = f.getLongVolatile(NEXT_ARRIVAL_OFFSET);
                    f.setLongVolatile(NEXT_ARRIVAL_OFFSET, arrival + 1);
                    f.setLongPlain(processOffset(i), ProcessIdentity.PROCESS_TOKEN);
                    f.setLongPlain(threadOffset(i), ProcessIdentity.threadOf(ProcessIdentity.currentToken()));
                    f.setLongPlain(arrivalOffset(i), arrival);
                    f.setIntRelease(stateOffset(i), WAITING);
                    if (i >= f.getIntVolatile(HIGH_WATER_OFFSET)) {
                        f.setIntVolatile(HIGH_WATER_OFFSET, i + 1);
                    }
                    f.setIntVolatile(WAITING_OFFSET, f.getIntVolatile(WAITING_OFFSET) + 1);
                    return i;
                }
            }
            if (attempt == 0) {
                freeDead(f, n);
            }
        }
        throw new IllegalStateException("more than " + n + " threads wait on this Condition at once; that is its"
                + " limit (wake some, or use more than one Condition)");
    }

    /** Outside the lock: has a signal chosen this slot? */
    static boolean isSignalled(final SharedFile f, final int slot) {
        return f.getIntVolatile(stateOffset(slot)) == SIGNALLED;
    }

    /** Outside the lock: the woken waiter frees its own slot. */
    static void freeSignalled(final SharedFile f, final int slot) {
        f.setIntRelease(stateOffset(slot), FREE);
    }

    /** Under the lock again, after a timeout or a failure: frees the slot; true when a signal had chosen it. */
    static boolean leave(final SharedFile f, final int slot) {
        int state = f.getIntVolatile(stateOffset(slot));
        f.setIntRelease(stateOffset(slot), FREE);
        if (state == WAITING) {
            f.setIntVolatile(WAITING_OFFSET, Math.max(0, f.getIntVolatile(WAITING_OFFSET) - 1));
        }
        return state == SIGNALLED;
    }

    /** Threads waiting and not yet signalled (a snapshot). */
    static int waiting(final SharedFile f) {
        return f.getIntVolatile(WAITING_OFFSET);
    }

    /**
     * Signals up to {@code n} waiters, earliest first. When there are more waiters than signals,
     * each chosen waiter of another process is first checked to be alive, so that no signal is
     * spent on a dead one while a live one waits; a dead one's slot is freed.
     */
    static void signal(final SharedFile f, final int n) {
        if (n <= 0 || f.getIntVolatile(WAITING_OFFSET) <= 0) {
            return;
        }
        final int high = Math.min(f.getIntVolatile(HIGH_WATER_OFFSET), f.getIntPlain(WAITER_SLOTS_OFFSET));
        long[] keys = new long[high];
        int found = 0;
        for (int i = 0; i < high; i++) {
            if (f.getIntVolatile(stateOffset(i)) == WAITING) {
                keys[found++] = (f.getLongPlain(arrivalOffset(i)) << INDEX_BITS) | i;
            }
        }
        int left = found;
        if (found <= n) {
            // Every waiter gets a signal, dead or alive: nobody to choose between, no liveness to check.
            for (int k = 0; k < found; k++) {
                f.setIntRelease(stateOffset((int) (keys[k] & ((1 << INDEX_BITS) - 1))), SIGNALLED);
            }
            left = 0;
        } else {
            Arrays.sort(keys, 0, found);
            int sent = 0;
            for (int k = 0; k < found && sent < n; k++) {
                int i = (int) (keys[k] & ((1 << INDEX_BITS) - 1));
                left--;
                if (ProcessIdentity.isProcessDead(f.getLongPlain(processOffset(i)))) {
                    f.setIntRelease(stateOffset(i), FREE);
                } else {
                    f.setIntRelease(stateOffset(i), SIGNALLED);
                    sent++;
                }
            }
        }
        f.setIntVolatile(WAITING_OFFSET, left);
    }

    /** Frees the slots of waiters whose process died (to make room). */
    private static void freeDead(final SharedFile f, final int n) {
        int waiting = 0;
        for (int i = 0; i < n; i++) {
            int state = f.getIntVolatile(stateOffset(i));
            if (state != FREE && ProcessIdentity.isProcessDead(f.getLongPlain(processOffset(i)))) {
                f.setIntRelease(stateOffset(i), FREE);
            } else if (state == WAITING) {
                waiting++;
            }
        }
        f.setIntVolatile(WAITING_OFFSET, waiting);
    }
}
