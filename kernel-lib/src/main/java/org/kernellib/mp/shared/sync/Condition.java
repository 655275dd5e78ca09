package org.kernellib.mp.shared.sync;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.kernellib.mp.shared.HandleCodec;
import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.SharedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A condition variable shared by processes, like Python's {@code multiprocessing.Condition}:
 * hold its lock, then {@link #await()} (Python's {@code wait}) until another thread or process
 * calls {@link #signal()} / {@link #signalAll()} (Python's {@code notify} / {@code notify_all};
 * Java reserves those names for monitors). The lock is an {@link RLock} unless one is given.
 * Waits may end spuriously, so wait in a loop or use {@link #awaitFor(BooleanSupplier, Duration)}.
 *
 * <p>Each waiting thread has a slot in the condition's shared memory ({@link ConditionWaiters}), and
 * a signal goes to particular waiters, earliest first. A waiter whose process died is skipped
 * when a signal has live waiters to choose from, so a signal is not spent on the dead while a live
 * waiter waits on, and a signal never lingers to wake a thread that starts waiting later. At most
 * {@value ConditionDescriptor#WAITER_SLOTS} threads can wait at once.
 */
public final class Condition extends MappedObject {
    private static final long serialVersionUID = 1L;

    private final SemLock lock;
    /** True when this handle created its lock, so unlink() removes it too. */
    private transient boolean ownsLock;

    Condition(final SharedFile file, final SemLock lock) {
        super(file);
        this.lock = lock;
    }

    /** A condition with a new RLock. */
    public static Condition create() {
        Condition c = create(RLock.create());
        c.ownsLock = true;
        return c;
    }

    /** A condition over {@code lock}, which must be a {@link Lock} or {@link RLock}. */
    public static Condition create(final SemLock lock) {
        if (lock == null || !lock.isOwnerBased()) {
            throw new IllegalArgumentException("a Condition needs a shared Lock or RLock, got "
                    + (lock == null ? "null" : lock.getClass().getSimpleName()));
        }
        SharedFile f = SharedFile.create("condition", ConditionDescriptor.LENGTH);
        f.setIntPlain(ConditionDescriptor.WAITER_SLOTS_OFFSET, ConditionDescriptor.WAITER_SLOTS);
        f.setIntRelease(ConditionDescriptor.MAGIC_OFFSET, ConditionDescriptor.MAGIC);
        return new Condition(f, lock);
    }

    public SemLock getLock() {
        return lock;
    }

    public boolean acquire() {
        return lock.acquire();
    }

    public void release() {
        lock.release();
    }

    /** Acquires the lock for try-with-resources. */
    public Held hold() {
        return lock.hold();
    }

    /** Releases the lock, waits for a signal, re-acquires; returns true. */
    public boolean await() {
        return await0(-1);
    }

    /** Like {@link #await()} but gives up after {@code timeout}; false when it timed out. */
    public boolean await(final Duration timeout) {
        return await0(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    /** Waits until {@code predicate} holds (checked under the lock) or the timeout passes; returns the predicate. */
    public boolean awaitFor(final BooleanSupplier predicate, final Duration timeout) {
        long deadline = Backoff.deadline(timeout.isNegative() ? -1 : timeout.toNanos());
        boolean ok = predicate.getAsBoolean();
        while (!ok) {
            long left = deadline == Long.MAX_VALUE ? -1 : deadline - System.nanoTime();
            if (deadline != Long.MAX_VALUE && left <= 0) {
                break;
            }
            await0(left);
            ok = predicate.getAsBoolean();
        }
        return ok;
    }

    private boolean await0(final long timeoutNanos) {
        if (!lock.isHeldForCondition()) {
            throw new IllegalStateException("cannot wait on a Condition whose lock this thread does not hold: " + lock);
        }
        final SharedFile f = file;
        final int slot = ConditionWaiters.enter(f);
        final int depth = lock.releaseAll();
        boolean signalled = false;
        Backoff backoff = new Backoff(toString());
        long deadline = Backoff.deadline(timeoutNanos);
        try {
            while (true) {
                if (ConditionWaiters.isSignalled(f, slot)) {
                    signalled = true;
                    break;
                }
                if (timeoutNanos == 0 || Backoff.expired(deadline)) {
                    break;
                }
                backoff.idle(deadline);
            }
        } catch (RuntimeException e) {
            lock.reacquireAll(depth);
            if (ConditionWaiters.leave(f, slot)) {
                // Chosen by a signal but leaving with an error: the signal goes to the next waiter.
                ConditionWaiters.signal(f, 1);
            }
            throw e;
        }
        if (signalled) {
            ConditionWaiters.freeSignalled(f, slot);
            lock.reacquireAll(depth);
            return true;
        }
        lock.reacquireAll(depth);
        return ConditionWaiters.leave(f, slot);
    }

    /** Wakes one waiter (Python's {@code notify()}); the caller must hold the lock. */
    public void signal() {
        signal(1);
    }

    /** Wakes up to {@code n} waiters (Python's {@code notify(n)}), longest waiting first; the caller must hold the lock. */
    public void signal(final int n) {
        if (n < 0) {
            throw new IllegalArgumentException("number of waiters to wake must be >= 0, got " + n);
        }
        if (!lock.isHeldForCondition()) {
            throw new IllegalStateException("cannot signal a Condition whose lock this thread does not hold: " + lock);
        }
        ConditionWaiters.signal(file, n);
    }

    /** Wakes every waiter (Python's {@code notify_all()}); the caller must hold the lock. */
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    /** Unlinks the condition and, when it was made with its own default lock, that lock (not a lock given to it). */
    @Override
    public void unlink() {
        super.unlink();
        if (ownsLock) {
            lock.unlink();
        }
    }

    @Override
    public String toString() {
        return file.isClosed() ? "Condition(closed)" : "Condition(" + lock + ", waiters="
                + ConditionWaiters.waiting(file) + ")";
    }

    /** The lock travels with the condition, so both processes wait under the same lock. */
    @Override
    protected SharedObject companion() {
        return lock;
    }

    /** How {@link HandleCodec} reopens a Condition, over the lock sent with it. */
    public static final HandleCodec.Opener OPENER = new HandleCodec.Opener(ConditionDescriptor.MAGIC, "a Condition",
            ConditionDescriptor.LENGTH, (f, companion) -> {
                if (!(companion instanceof SemLock) || !((SemLock) companion).isOwnerBased()) {
                    throw new IllegalStateException("a Condition needs its Lock or RLock, which did not arrive with it");
                }
                return new Condition(f, (SemLock) companion);
            });
}
