package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.SemLockDescriptor.COUNT_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.HOLDER_SLOTS;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.HOLDER_SLOTS_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.INITIAL_VALUE_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.KIND_BOUNDED_SEMAPHORE;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.KIND_LOCK;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.KIND_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.KIND_RLOCK;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.KIND_SEMAPHORE;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.MAGIC;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.MAGIC_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.MAX_VALUE_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.OWNER_DIED_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.OWNER_START_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.OWNER_TOKEN_OFFSET;
import static org.kernellib.mp.shared.sync.SemLockDescriptor.RECURSION_OFFSET;

import java.util.concurrent.TimeUnit;

import org.kernellib.mp.shared.HandleCodec;
import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.SharedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.ProcessIdentity;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * The base of every cross-process lock and semaphore, like CPython's {@code SemLock}: one
 * {@link SemLockDescriptor} record in shared memory, usable from any thread of any process that
 * has the handle.
 *
 * <p>Locks ({@link Lock}, {@link RLock}) record their owner (pid, thread, process start time), so
 * that when the owner dies the next acquirer takes the lock over within about a millisecond plus
 * one liveness check, and {@link #previousOwnerDied()} tells it so. Liveness is checked only while
 * waiting, every {@value #LIVENESS_CHECK_MILLIS} ms of waiting, never on the fast path.
 * Semaphores count, and record which processes hold permits ({@link PermitHolders}), so that the
 * permits of a process that died holding them are given back the same way (see {@link Semaphore}).
 */
public abstract class SemLock extends MappedObject {
    private static final long serialVersionUID = 1L;
    /** How often a waiter checks that the owner still lives. */
    static final long LIVENESS_CHECK_MILLIS = 5;

    final int kind;
    /** When a failed try last checked the owner's liveness (a per-handle rate limit, racy by design). */
    private transient long lastLivenessCheck = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);

    SemLock(final SharedFile file, final int kind) {
        super(file);
        this.kind = kind;
    }

    static SharedFile create(final int kind, final int initial, final int maxValue) {
        boolean counted = kind == KIND_SEMAPHORE || kind == KIND_BOUNDED_SEMAPHORE;
        SharedFile f = SharedFile.create(SemLockDescriptor.kindName(kind).toLowerCase(),
                counted ? SemLockDescriptor.semaphoreLength(HOLDER_SLOTS) : SemLockDescriptor.LENGTH);
        f.setIntPlain(KIND_OFFSET, kind);
        f.setIntPlain(MAX_VALUE_OFFSET, maxValue);
        f.setIntPlain(COUNT_OFFSET, initial);
        if (counted) {
            f.setIntPlain(INITIAL_VALUE_OFFSET, initial);
            f.setIntPlain(HOLDER_SLOTS_OFFSET, HOLDER_SLOTS);
        }
        // The magic goes last, with release: an attacher that sees it sees a complete header.
        f.setIntRelease(MAGIC_OFFSET, MAGIC);
        return f;
    }

    // ---- lock (owner-based) paths ------------------------------------------------------------

    /** Fast path of Lock/RLock: one compare-and-set when free. */
    final boolean acquireOwned(final long timeoutNanos) {
        final SharedFile f = file;
        final long token = ProcessIdentity.currentToken();
        if (kind == KIND_RLOCK && f.getLongPlain(OWNER_TOKEN_OFFSET) == token) {
            // Only this thread writes its own token, so a plain read that sees it is exact.
            f.setIntPlain(RECURSION_OFFSET, f.getIntPlain(RECURSION_OFFSET) + 1);
            return true;
        }
        if (f.compareAndSetLong(OWNER_TOKEN_OFFSET, 0L, token)) {
            f.setLongPlain(OWNER_START_OFFSET, ProcessIdentity.START_MILLIS);
            f.setIntPlain(RECURSION_OFFSET, 1);
            return true;
        }
        if (timeoutNanos == 0) {
            return recoverIfDue(token);
        }
        return acquireOwnedSlow(token, timeoutNanos);
    }

    /**
     * On a failed try (timeout 0 or expired): checks the owner's liveness at most every
     * {@value #LIVENESS_CHECK_MILLIS} ms per handle, so that even a caller that only ever polls
     * with {@code tryAcquire()} takes over a dead owner's lock.
     */
    private boolean recoverIfDue(final long token) {
        if (!livenessCheckDue()) {
            return false;
        }
        long owner = file.getLongVolatile(OWNER_TOKEN_OFFSET);
        return owner != 0 && owner != token && tryRecover(owner, token);
    }

    /** True at most every {@value #LIVENESS_CHECK_MILLIS} ms per handle: may a failed try check liveness now? */
    final boolean livenessCheckDue() {
        long now = System.nanoTime();
        if (now - lastLivenessCheck < TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_MILLIS)) {
            return false;
        }
        lastLivenessCheck = now;
        return true;
    }

    private boolean acquireOwnedSlow(final long token, final long timeoutNanos) {
        final SharedFile f = file;
        final long deadline = Backoff.deadline(timeoutNanos);
        final Backoff backoff = new Backoff(this.toString());
        long nextCheck = TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_MILLIS);
        while (true) {
            long owner = f.getLongVolatile(OWNER_TOKEN_OFFSET);
            if (owner == 0L) {
                if (f.compareAndSetLong(OWNER_TOKEN_OFFSET, 0L, token)) {
                    f.setLongPlain(OWNER_START_OFFSET, ProcessIdentity.START_MILLIS);
                    f.setIntPlain(RECURSION_OFFSET, 1);
                    return true;
                }
                continue;
            }
            if (owner == token) {
                throw new IllegalStateException(this + " is already held by this thread and is not reentrant;"
                        + " acquiring it again would deadlock (use an RLock to re-enter)");
            }
            if (backoff.parkedNanos() >= nextCheck) {
                nextCheck = backoff.parkedNanos() + TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_MILLIS);
                if (tryRecover(owner, token)) {
                    return true;
                }
            }
            if (Backoff.expired(deadline)) {
                return recoverIfDue(token);
            }
            backoff.idle(deadline);
        }
    }

    /** Takes the lock over from {@code owner} if that owner's process is dead. */
    private boolean tryRecover(final long owner, final long token) {
        final SharedFile f = file;
        long start = f.getLongVolatile(OWNER_START_OFFSET);
        if (f.getLongVolatile(OWNER_TOKEN_OFFSET) != owner || !ProcessIdentity.isDead(owner, start)) {
            return false;
        }
        // See the owner start protocol in SemLockDescriptor: 0 first, then claim.
        f.setLongVolatile(OWNER_START_OFFSET, 0L);
        if (!f.compareAndSetLong(OWNER_TOKEN_OFFSET, owner, token)) {
            return false;
        }
        f.setLongPlain(OWNER_START_OFFSET, ProcessIdentity.START_MILLIS);
        f.setIntPlain(RECURSION_OFFSET, 1);
        f.setIntPlain(OWNER_DIED_OFFSET, 1);
        return true;
    }

    final void releaseOwned() {
        final SharedFile f = file;
        if (kind == KIND_RLOCK) {
            long token = ProcessIdentity.currentToken();
            long owner = f.getLongPlain(OWNER_TOKEN_OFFSET);
            if (owner != token) {
                throw new IllegalStateException("cannot release " + this + ": " + (owner == 0
                        ? "it is not held" : "it is held by " + describeOwner(f.getLongVolatile(OWNER_TOKEN_OFFSET)))
                        + ", and only the owning thread may release an RLock");
            }
            int depth = f.getIntPlain(RECURSION_OFFSET) - 1;
            f.setIntPlain(RECURSION_OFFSET, depth);
            if (depth > 0) {
                return;
            }
        } else if (f.getLongVolatile(OWNER_TOKEN_OFFSET) == 0L) {
            throw new IllegalStateException("cannot release " + this + ": it is not held");
        }
        f.setLongPlain(OWNER_START_OFFSET, 0L);
        if (f.getIntPlain(OWNER_DIED_OFFSET) != 0) {
            f.setIntPlain(OWNER_DIED_OFFSET, 0);
        }
        f.setLongRelease(OWNER_TOKEN_OFFSET, 0L);
    }

    /** Releases completely (every RLock level); returns what {@link #reacquireAll(int)} needs. */
    final int releaseAll() {
        if (kind == KIND_RLOCK) {
            int depth = file.getIntPlain(RECURSION_OFFSET);
            if (file.getLongPlain(OWNER_TOKEN_OFFSET) == ProcessIdentity.currentToken()) {
                file.setIntPlain(RECURSION_OFFSET, 1);
            }
            releaseOwned();
            return depth;
        }
        releaseOwned();
        return 1;
    }

    /** Acquires again after {@link #releaseAll()}, restoring the RLock depth. */
    final void reacquireAll(final int depth) {
        acquireOwned(-1);
        if (kind == KIND_RLOCK) {
            file.setIntPlain(RECURSION_OFFSET, depth);
        }
    }

    /** True when the caller may be the holder: RLock checks the owner, Lock only that it is held. */
    final boolean isHeldForCondition() {
        long owner = file.getLongVolatile(OWNER_TOKEN_OFFSET);
        return kind == KIND_RLOCK ? owner == ProcessIdentity.currentToken() : owner != 0;
    }

    final boolean isOwnerBased() {
        return kind == KIND_LOCK || kind == KIND_RLOCK;
    }

    static String describeOwner(final long token) {
        if (token == 0) {
            return "nobody";
        }
        return "pid " + ProcessIdentity.pidOf(token) + " thread " + ProcessIdentity.threadOf(token)
                + (ProcessIdentity.pidOf(token) == ProcessIdentity.PID ? " (this process)" : "");
    }

    // ---- common ------------------------------------------------------------------------------

    /** Blocks until acquired; returns true (as Python's {@code acquire()}). */
    public boolean acquire() {
        return acquire(-1);
    }

    /** Acquires without blocking; false when not available now. */
    public boolean tryAcquire() {
        return acquire(0);
    }

    /** Waits at most {@code timeout}; false on timeout. A negative timeout means forever. */
    public boolean tryAcquire(final long timeout, final TimeUnit unit) {
        return acquire(timeout < 0 ? -1 : unit.toNanos(timeout));
    }

    /** Waits at most {@code timeout}; false on timeout. */
    public boolean tryAcquire(final java.time.Duration timeout) {
        return acquire(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    /** Python's {@code acquire(block, timeout)}: seconds, negative meaning forever. */
    public boolean acquire(final boolean block, final double timeoutSeconds) {
        if (!block) {
            return acquire(0);
        }
        if (Double.isNaN(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        return acquire(timeoutSeconds < 0 ? -1 : (long) Math.min(Long.MAX_VALUE, timeoutSeconds * 1e9));
    }

    private boolean acquire(final long timeoutNanos) {
        return kind == KIND_LOCK || kind == KIND_RLOCK ? acquireOwned(timeoutNanos)
                : ((Semaphore) this).acquirePermit(timeoutNanos);
    }

    /** Releases once. */
    public void release() {
        if (kind == KIND_LOCK || kind == KIND_RLOCK) {
            releaseOwned();
        } else {
            ((Semaphore) this).releasePermit();
        }
    }

    /**
     * Acquires and returns a guard whose {@code close()} releases, for try-with-resources:
     * {@code try (var held = lock.hold()) { ... }}.
     */
    public Held hold() {
        acquire(-1);
        return new Held(this);
    }

    /**
     * True when the current holder took this lock over from an owner that died while holding it
     * (killed, crashed or exited). Meaningful to the holder between acquire and release; the
     * protected data may be half-updated, so check and repair it. For semaphores see
     * {@link Semaphore#previousOwnerDied()}.
     */
    public boolean previousOwnerDied() {
        return file.getIntVolatile(OWNER_DIED_OFFSET) != 0;
    }





    SharedFile file() {
        return file;
    }

    @Override
    public String toString() {
        String state;
        if (file.isClosed()) {
            state = "closed";
        } else if (kind == KIND_LOCK || kind == KIND_RLOCK) {
            long owner = file.getLongVolatile(OWNER_TOKEN_OFFSET);
            state = owner == 0 ? "unlocked" : "locked by " + describeOwner(owner);
        } else {
            String off = PermitHolders.whyOff(file);
            state = "value=" + file.getIntVolatile(COUNT_OFFSET)
                    + (off == null ? "" : ", dead holders' permits not given back: " + off);
        }
        return SemLockDescriptor.kindName(kind) + "(" + state + ")";
    }

    // ---- serialization: the handle travels as its path (HandleCodec) -----------------------

    /** How {@link HandleCodec} reopens every lock and semaphore: the kind is in the file. */
    public static final HandleCodec.Opener OPENER = new HandleCodec.Opener(MAGIC, "a lock or semaphore",
            SemLockDescriptor.LENGTH, (f, companion) -> reopen(f));

    private static SemLock reopen(final SharedFile f) {
        int k = f.getIntPlain(KIND_OFFSET);
        if ((k == KIND_SEMAPHORE || k == KIND_BOUNDED_SEMAPHORE)
                && f.size() < SemLockDescriptor.semaphoreLength(f.getIntPlain(HOLDER_SLOTS_OFFSET))) {
            throw new IllegalStateException(f.path() + " is too short for the semaphore it claims to hold");
        }
        switch (k) {
            case KIND_LOCK: return new Lock(f);
            case KIND_RLOCK: return new RLock(f);
            case KIND_SEMAPHORE: return new Semaphore(f, k);
            case KIND_BOUNDED_SEMAPHORE: return new BoundedSemaphore(f);
            default: throw new IllegalStateException("its lock kind " + k + " is unknown: the file is corrupt");
        }
    }
}
