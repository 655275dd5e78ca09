package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.BarrierDescriptor.BROKEN_OFFSET;
import static org.kernellib.mp.shared.sync.BarrierDescriptor.PARTIES_OFFSET;
import static org.kernellib.mp.shared.sync.BarrierDescriptor.STATE_OFFSET;
import static org.kernellib.mp.shared.sync.BarrierDescriptor.TIMEOUT_OFFSET;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.kernellib.mp.shared.HandleCodec;
import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A cyclic barrier for a fixed number of parties across processes, like Python's
 * {@code multiprocessing.Barrier}: {@link #await()} (Python's {@code wait}) returns once all
 * parties have arrived, with a distinct arrival index 0..parties-1. A timeout or {@link #abort()}
 * breaks it: every waiter, and every later arrival, gets {@link BrokenBarrierException}.
 *
 * <p>A party process that dies (killed or crashed), before it arrives or while it waits, breaks
 * the barrier too, within a few milliseconds of the others' waiting: the exception names its pid.
 * Waiters check the liveness of the processes that received the barrier or waited at it every
 * {@value SemLock#LIVENESS_CHECK_MILLIS} ms of waiting; a process that exits normally is no longer
 * watched ({@link BarrierParties} has the rules). Python's barrier waits for the dead party until
 * its timeout, or for ever.
 *
 * <p>As in Python, an optional {@link Action} is run by one party, the last to arrive, after all
 * have arrived and before any is released (if it throws, the barrier breaks and that party gets
 * the exception); it travels with the handle to every process, so whichever party trips the
 * barrier runs it. An optional default timeout, given at creation, bounds {@link #await()};
 * {@link #reset()} returns the barrier to its empty state.
 */
public final class Barrier extends MappedObject {
    private static final long serialVersionUID = 1L;

    /** What the last party runs when the barrier trips; serializable so it reaches every process. */
    @FunctionalInterface
    public interface Action extends Runnable, Serializable {
    }

    private final transient int parties;
    private transient volatile Action action;

    Barrier(final SharedFile file) {
        super(file);
        this.parties = file.getIntPlain(PARTIES_OFFSET);
        if (file.size() < BarrierDescriptor.partyOffset(file.getIntPlain(BarrierDescriptor.PARTY_SLOTS_OFFSET))) {
            throw new IllegalStateException(file.path() + " is too short for the barrier it claims to hold");
        }
        if (!file.isCreator()) {
            // Received from another process: this process is meant to take part, so watch it.
            BarrierParties.join(file);
        }
    }

    /** A barrier for {@code parties} (at least 1) threads or processes. */
    public static Barrier create(final int parties) {
        return create(parties, null, null);
    }

    /**
     * A barrier for {@code parties} whose last arrival runs {@code action} (null: none) and whose
     * {@link #await()} waits at most {@code timeout} (null: no limit), Python's
     * {@code Barrier(parties, action, timeout)}.
     */
    public static Barrier create(final int parties, final Action action, final Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("a Barrier needs at least 1 party, got " + parties);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a Barrier's default timeout must be positive, got " + timeout
                    + "; pass null for no limit");
        }
        SharedFile f = SharedFile.create("barrier", BarrierDescriptor.LENGTH);
        f.setIntPlain(PARTIES_OFFSET, parties);
        f.setIntPlain(BarrierDescriptor.PARTY_SLOTS_OFFSET, BarrierDescriptor.PARTY_SLOTS);
        f.setLongPlain(TIMEOUT_OFFSET, timeout == null ? 0 : saturatedNanos(timeout));
        f.setIntRelease(BarrierDescriptor.MAGIC_OFFSET, BarrierDescriptor.MAGIC);
        Barrier b = new Barrier(f);
        b.action = action;
        return b;
    }

    private static long saturatedNanos(final Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The default timeout of {@link #await()}, Python's {@code timeout}; empty for none. */
    public Optional<Duration> timeout() {
        long nanos = file.getLongPlain(TIMEOUT_OFFSET);
        return nanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    /**
     * Python's {@code reset()}: returns the barrier to its empty state, unbroken; parties waiting
     * now get {@link BrokenBarrierException} (saying it was reset), later ones start afresh.
     */
    public void reset() {
        final SharedFile f = file;
        long state;
        do {
            state = f.getLongVolatile(STATE_OFFSET);
        } while (!f.compareAndSetLong(STATE_OFFSET, state, BarrierDescriptor.nextGeneration(state, true)));
        f.setLongVolatile(BROKEN_OFFSET, BarrierDescriptor.BROKEN_NOT);
    }

    @Override
    protected Serializable attachment() {
        return action;
    }

    @Override
    protected void attach(final Serializable attachment) {
        action = (Action) attachment;
    }

    public int parties() {
        return parties;
    }

    /** Parties waiting in the current generation. */
    public int nWaiting() {
        // While the last party runs the action, all have arrived but none waits any more.
        int arrived = (int) file.getLongVolatile(STATE_OFFSET);
        return arrived >= parties ? 0 : arrived;
    }

    public boolean isBroken() {
        return file.getLongVolatile(BROKEN_OFFSET) != BarrierDescriptor.BROKEN_NOT;
    }

    /** Breaks the barrier: current and future waiters get {@link BrokenBarrierException}. */
    public void abort() {
        file.compareAndSetLong(BROKEN_OFFSET, BarrierDescriptor.BROKEN_NOT, BarrierDescriptor.BROKEN_ABORTED);
    }

    /** This process no longer takes part: its handle closes, so its later exit breaks nothing. */
    @Override
    public void close() {
        if (!file.isClosed()) {
            BarrierParties.leave(file);
        }
        super.close();
    }

    private BrokenBarrierException broken(final boolean whileWaiting) {
        long why = file.getLongVolatile(BROKEN_OFFSET);
        if (why > 0) {
            return new BrokenBarrierException("barrier is broken: party process pid " + why
                    + " died (killed or crashed)" + (whileWaiting ? " while this party waited" : ""), why);
        }
        return new BrokenBarrierException(whileWaiting ? "barrier was broken while waiting (aborted or a party timed out)"
                : "barrier is broken (aborted or a party timed out)", 0);
    }

    /** Waits for the other parties, at most the default timeout if the barrier has one. */
    public int await() {
        long nanos = file.getLongPlain(TIMEOUT_OFFSET);
        return await0(nanos == 0 ? -1 : nanos);
    }

    /** Waits at most {@code timeout} (instead of the default); on timeout breaks the barrier and throws. */
    public int await(final Duration timeout) {
        return await0(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    private int await0(final long timeoutNanos) {
        final SharedFile f = file;
        BarrierParties.join(f);
        long state;
        long next;
        int index;
        while (true) {
            if (isBroken()) {
                throw broken(false);
            }
            state = f.getLongVolatile(STATE_OFFSET);
            int arrived = (int) state;
            if (arrived >= parties) {
                Thread.onSpinWait(); // the last party runs the action; this one belongs to the next generation
                continue;
            }
            index = arrived;
            next = arrived + 1 == parties && action == null ? BarrierDescriptor.nextGeneration(state, false) : state + 1;
            if (f.compareAndSetLong(STATE_OFFSET, state, next)) {
                break;
            }
        }
        if (arrived(next, state)) {
            return index;
        }
        if (index + 1 == parties) {
            return runActionAndRelease(next, index);
        }
        final long generation = state >>> 32;
        Backoff backoff = new Backoff(toString());
        long deadline = Backoff.deadline(timeoutNanos);
        final long checkEvery = TimeUnit.MILLISECONDS.toNanos(SemLock.LIVENESS_CHECK_MILLIS);
        long nextCheck = checkEvery;
        while ((f.getLongVolatile(STATE_OFFSET) >>> 32) == generation) {
            if (isBroken()) {
                throw broken(true);
            }
            if (backoff.parkedNanos() >= nextCheck) {
                nextCheck = backoff.parkedNanos() + checkEvery;
                long dead = BarrierParties.deadParty(f);
                if (dead != 0) {
                    f.compareAndSetLong(BROKEN_OFFSET, BarrierDescriptor.BROKEN_NOT, dead);
                    continue; // the generation may have completed meanwhile; if not, throw as broken
                }
            }
            if (Backoff.expired(deadline)) {
                abort();
                throw new BrokenBarrierException("barrier timed out after " + Duration.ofNanos(timeoutNanos)
                        + " with " + nWaiting() + " of " + parties + " parties; it is now broken");
            }
            backoff.idle(deadline);
        }
        if (BarrierDescriptor.endedByReset(f.getLongVolatile(STATE_OFFSET), BarrierDescriptor.generation(state))) {
            throw new BrokenBarrierException("barrier was reset while waiting");
        }
        return index;
    }

    /** The last arrival of a barrier with an action: runs it, then releases the others. */
    private int runActionAndRelease(final long full, final int index) {
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            abort();
            throw e;
        }
        if (isBroken()) {
            throw broken(true);
        }
        if (!file.compareAndSetLong(STATE_OFFSET, full, BarrierDescriptor.nextGeneration(full, false))) {
            throw new BrokenBarrierException("barrier was reset while the action ran");
        }
        return index;
    }

    private static boolean arrived(final long next, final long state) {
        return (next >>> 32) != (state >>> 32);
    }

    @Override
    public String toString() {
        return file.isClosed() ? "Barrier(closed)" : "Barrier(parties=" + parties + ", waiting=" + nWaiting()
                + brokenState() + ")";
    }

    private String brokenState() {
        long why = file.getLongVolatile(BROKEN_OFFSET);
        return why == BarrierDescriptor.BROKEN_NOT ? "" : why > 0 ? ", broken: pid " + why + " died" : ", broken";
    }

    /** How {@link HandleCodec} reopens a Barrier. */
    public static final HandleCodec.Opener OPENER = new HandleCodec.Opener(BarrierDescriptor.MAGIC, "a Barrier",
            BarrierDescriptor.LENGTH, (f, companion) -> new Barrier(f));
}
