package org.kernellib.mp.shared.sync;

import static org.kernellib.mp.shared.sync.BarrierDescriptor.BROKEN_OFFSET;
import static org.kernellib.mp.shared.sync.BarrierDescriptor.PARTIES_OFFSET;
import static org.kernellib.mp.shared.sync.BarrierDescriptor.STATE_OFFSET;

import java.time.Duration;

import org.kernellib.mp.shared.HandleCodec;
import org.kernellib.mp.shared.MappedObject;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.memory.SharedFile;

/**
 * A cyclic barrier for a fixed number of parties across processes, like Python's
 * {@code multiprocessing.Barrier}: {@link #await()} (Python's {@code wait}) returns once all
 * parties have arrived, with a distinct arrival index 0..parties-1. A timeout or {@link #abort()}
 * breaks it: every waiter, and every later arrival, gets {@link BrokenBarrierException}.
 */
public final class Barrier extends MappedObject {
    private static final long serialVersionUID = 1L;

    private final transient int parties;

    Barrier(final SharedFile file) {
        super(file);
        this.parties = file.getIntPlain(PARTIES_OFFSET);
    }

    /** A barrier for {@code parties} (at least 1) threads or processes. */
    public static Barrier create(final int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("a Barrier needs at least 1 party, got " + parties);
        }
        SharedFile f = SharedFile.create("barrier", BarrierDescriptor.LENGTH);
        f.setIntPlain(PARTIES_OFFSET, parties);
        f.setIntRelease(BarrierDescriptor.MAGIC_OFFSET, BarrierDescriptor.MAGIC);
        return new Barrier(f);
    }

    public int parties() {
        return parties;
    }

    /** Parties waiting in the current generation. */
    public int nWaiting() {
        return (int) file.getLongVolatile(STATE_OFFSET);
    }

    public boolean isBroken() {
        return file.getIntVolatile(BROKEN_OFFSET) != 0;
    }

    /** Breaks the barrier: current and future waiters get {@link BrokenBarrierException}. */
    public void abort() {
        file.setIntVolatile(BROKEN_OFFSET, 1);
    }

    public int await() {
        return await0(-1);
    }

    /** Waits at most {@code timeout}; on timeout breaks the barrier and throws. */
    public int await(final Duration timeout) {
        return await0(timeout.isNegative() ? -1 : timeout.toNanos());
    }

    private int await0(final long timeoutNanos) {
        final SharedFile f = file;
        long state;
        long next;
        int index;
        while (true) {
            if (isBroken()) {
                throw new BrokenBarrierException("barrier is broken (aborted or a party timed out)");
            }
            state = f.getLongVolatile(STATE_OFFSET);
            int arrived = (int) state;
            index = arrived;
            next = arrived + 1 == parties ? ((state >>> 32) + 1) << 32 : state + 1;
            if (f.compareAndSetLong(STATE_OFFSET, state, next)) {
                break;
            }
        }
        if (arrived(next, state)) {
            return index;
        }
        final long generation = state >>> 32;
        Backoff backoff = new Backoff(toString());
        long deadline = Backoff.deadline(timeoutNanos);
        while ((f.getLongVolatile(STATE_OFFSET) >>> 32) == generation) {
            if (isBroken()) {
                throw new BrokenBarrierException("barrier was broken while waiting (aborted or a party timed out)");
            }
            if (Backoff.expired(deadline)) {
                abort();
                throw new BrokenBarrierException("barrier timed out after " + Duration.ofNanos(timeoutNanos)
                        + " with " + nWaiting() + " of " + parties + " parties; it is now broken");
            }
            backoff.idle(deadline);
        }
        return index;
    }

    private static boolean arrived(final long next, final long state) {
        return (next >>> 32) != (state >>> 32);
    }

    @Override
    public String toString() {
        return file.isClosed() ? "Barrier(closed)" : "Barrier(parties=" + parties + ", waiting=" + nWaiting()
                + (isBroken() ? ", broken" : "") + ")";
    }

    /** How {@link HandleCodec} reopens a Barrier. */
    public static final HandleCodec.Opener OPENER = new HandleCodec.Opener(BarrierDescriptor.MAGIC, "a Barrier",
            BarrierDescriptor.LENGTH, (f, companion) -> new Barrier(f));
}
