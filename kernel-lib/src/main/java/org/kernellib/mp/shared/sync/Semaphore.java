package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.SemLockDescriptor.COUNT_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.KIND_BOUNDED_SEMAPHORE;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.MAX_VALUE_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.RECOVERY_OFF_RELEASED_BY_NON_HOLDER;

import java.util.concurrent.TimeUnit;

import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A counting semaphore shared by threads and processes, like Python's
 * {@code multiprocessing.Semaphore}. Any thread of any process may release.
 *
 * <p>Robust where permits are owned: a permit that a process took and had not given back when it
 * died (killed, crashed, exited) is given back to the count, found by the next acquirer that has
 * to wait, within a few milliseconds of waiting; that acquirer's {@link #previousOwnerDied()} is
 * true. A permit is owned by the process that took it until that process releases it; the first
 * release by a process that holds none (the semaphore counts items, or hands permits from one
 * process to another) switches this off for good, because then there is nothing a dead process
 * "held". The rules and limits are in {@link PermitHolders}. Python's semaphores never give a dead
 * process's permits back.
 */
public class Semaphore extends SemLock {
    private static final long serialVersionUID = 1L;
    /** This process's holder slot ({@link PermitHolders}), looked up on the first permit. */
    private transient PermitHolders.ProcessSlot holder;
    /** The counting word of the thread that used this handle last (checked against the caller). */
    private transient PermitHolders.Word word;
    /**
     * False once this handle saw recovery switched off (it never comes back on): then permits are
     * no longer counted per holder. Read instead of the shared flag on the fast path; a stale true
     * only costs a needless count.
     */
    private transient boolean counting = true;
    /** The thread whose latest acquire through this handle followed giving a dead holder's permits back. */
    private transient Thread recoveredFor;

    Semaphore(final SharedFile file, final int kind) {
        super(file, kind);
    }

    /** Creates a semaphore with {@code value} permits (0 or more). */
    public static Semaphore create(final int value) {
        checkValue(value);
        return new Semaphore(create(SemLockDescriptor.KIND_SEMAPHORE, value, Integer.MAX_VALUE),
                SemLockDescriptor.KIND_SEMAPHORE);
    }

    static void checkValue(final int value) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, got " + value);
        }
    }

    /** The number of available permits now (Python's {@code get_value()}). */
    public int getValue() {
        return file.getIntVolatile(COUNT_OFFSET);
    }

    /**
     * True when the calling thread's latest acquire through this handle came right after it gave
     * back the permits of a process that died holding them: whatever that process guarded with
     * its permit may be half-done, so check it. False for every other acquire.
     */
    @Override
    public boolean previousOwnerDied() {
        return recoveredFor == Thread.currentThread();
    }

    // ---- acquire -----------------------------------------------------------------------------

    final boolean acquirePermit(final long timeoutNanos) {
        final SharedFile f = file;
        if (recoveredFor != null && recoveredFor == Thread.currentThread()) {
            recoveredFor = null;
        }
        if (counting && holder == null) {
            claimHolderSlot(); // before the first permit: a death while claiming then loses nothing
        }
        int c = f.getIntVolatile(COUNT_OFFSET);
        if (c > 0 && f.compareAndSetInt(COUNT_OFFSET, c, c - 1)) {
            tookPermit();
            return true;
        }
        if (timeoutNanos == 0) {
            // One more try (the first compare-and-set may have lost to another acquirer), then,
            // rate-limited, the dead holders, so that even pure polling recovers their permits.
            return takeIfAvailable(false) || livenessCheckDue() && reclaimDead() > 0 && takeIfAvailable(true);
        }
        return acquirePermitSlow(timeoutNanos);
    }

    private boolean acquirePermitSlow(final long timeoutNanos) {
        final SharedFile f = file;
        final long deadline = Backoff.deadline(timeoutNanos);
        final Backoff backoff = new Backoff(this.toString());
        final long checkEvery = TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_MILLIS);
        long nextCheck = checkEvery;
        boolean recovered = false;
        while (true) {
            int c = f.getIntVolatile(COUNT_OFFSET);
            if (c > 0) {
                if (f.compareAndSetInt(COUNT_OFFSET, c, c - 1)) {
                    tookPermit();
                    if (recovered) {
                        recoveredFor = Thread.currentThread();
                    }
                    return true;
                }
                continue;
            }
            if (backoff.parkedNanos() >= nextCheck) {
                nextCheck = backoff.parkedNanos() + checkEvery;
                if (reclaimDead() > 0) {
                    recovered = true;
                    continue;
                }
            }
            if (Backoff.expired(deadline)) {
                return livenessCheckDue() && reclaimDead() > 0 && takeIfAvailable(true);
            }
            backoff.idle(deadline);
        }
    }

    private boolean takeIfAvailable(final boolean afterRecovery) {
        final SharedFile f = file;
        int c;
        while ((c = f.getIntVolatile(COUNT_OFFSET)) > 0) {
            if (f.compareAndSetInt(COUNT_OFFSET, c, c - 1)) {
                tookPermit();
                if (afterRecovery) {
                    recoveredFor = Thread.currentThread();
                }
                return true;
            }
        }
        return false;
    }

    private int reclaimDead() {
        if (!PermitHolders.recoveryOn(file)) {
            counting = false;
            return 0;
        }
        return PermitHolders.reclaimDead(file, false);
    }

    /**
     * Claims this process's holder slot and readies the counting. Done before the first permit is
     * taken, not after: claiming can take milliseconds in a fresh JVM (a scan of the table, perhaps
     * of /proc), and so can the first use of each shared-memory access the counting makes
     * ({@link PermitHolders#warmUp}); a process killed between taking a permit and counting it
     * loses that permit for good.
     */
    private void claimHolderSlot() {
        PermitHolders.ProcessSlot p = PermitHolders.recoveryOn(file) ? PermitHolders.claimSlot(file) : null;
        if (p == null || p.slot == PermitHolders.NO_SLOT) {
            counting = false;
            return;
        }
        PermitHolders.warmUp(file, wordOf(p));
        holder = p;
    }

    /** Records the permit just taken in this process's holder slot. */
    private void tookPermit() {
        if (counting) {
            PermitHolders.ProcessSlot p = holder;
            if (p == null) {
                claimHolderSlot();
                p = holder;
                if (p == null) {
                    return;
                }
            }
            PermitHolders.tookPermit(file, p, wordOf(p));
        }
    }

    private PermitHolders.Word wordOf(final PermitHolders.ProcessSlot p) {
        PermitHolders.Word w = word;
        if (w == null || w.thread != Thread.currentThread()) {
            w = p.word();
            word = w;
        }
        return w;
    }

    // ---- release -----------------------------------------------------------------------------

    final void releasePermit() {
        final SharedFile f = file;
        if (kind == KIND_BOUNDED_SEMAPHORE) {
            int max = f.getIntPlain(MAX_VALUE_OFFSET);
            if (f.getIntVolatile(COUNT_OFFSET) >= max) {
                throw releasedTooOften(max);
            }
            // Uncount first, give back second: a death in between loses the permit, never adds one.
            boolean uncounted = gavePermit();
            while (true) {
                int c = f.getIntVolatile(COUNT_OFFSET);
                if (c >= max) {
                    if (uncounted) {
                        PermitHolders.tookPermit(f, holder, wordOf(holder));
                    }
                    throw releasedTooOften(max);
                }
                if (f.compareAndSetInt(COUNT_OFFSET, c, c + 1)) {
                    return;
                }
            }
        }
        boolean uncounted = gavePermit();
        int prev = f.getAndAddInt(COUNT_OFFSET, 1);
        if (prev == Integer.MAX_VALUE) {
            f.getAndAddInt(COUNT_OFFSET, -1);
            if (uncounted) {
                PermitHolders.tookPermit(f, holder, wordOf(holder));
            }
            throw new IllegalStateException("cannot release " + this + ": its value would exceed " + Integer.MAX_VALUE);
        }
    }

    private IllegalStateException releasedTooOften(final int max) {
        return new IllegalStateException("cannot release " + this + ": it was released too many times"
                + " (value is already at its bound " + max + ")");
    }

    /**
     * Uncounts a permit from this process's slot; true when it did. A process that holds none is
     * handing permits on or signalling, so recovery switches off for this semaphore.
     */
    private boolean gavePermit() {
        if (!counting) {
            return false;
        }
        final SharedFile f = file;
        PermitHolders.ProcessSlot p = holder;
        if (p == null) {
            // Not cached: no permit was taken through this handle; another handle may have.
            p = PermitHolders.existingSlot(f);
            holder = p;
        }
        if (p != null && PermitHolders.gavePermit(f, p, wordOf(p))) {
            return true;
        }
        PermitHolders.switchOff(f, RECOVERY_OFF_RELEASED_BY_NON_HOLDER);
        counting = false;
        return false;
    }
}
