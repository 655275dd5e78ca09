package org.kernellib.mp.manager;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.kernellib.mp.shared.sync.BrokenBarrierException;

/**
 * The manager's side of a {@link BarrierProxy}: Python's {@code threading.Barrier}, a
 * {@link CyclicBarrier}. A party whose caller's connection closes while it waits is interrupted,
 * which breaks the barrier for the others, as a party that dies does in Python.
 */
final class ServedBarrier extends WaitingServed {
    private final CyclicBarrier barrier;
    private final double defaultTimeout;
    private volatile boolean aborted;

    ServedBarrier(final int parties, final double defaultTimeout) {
        super("await");
        if (parties < 1) {
            throw new IllegalArgumentException("a barrier needs at least 1 party, got " + parties);
        }
        barrier = new CyclicBarrier(parties);
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public Object call(final String operation, final Object[] a) throws InterruptedException {
        switch (operation) {
            case "await": {
                double seconds = a[0] == null ? defaultTimeout : ((Number) a[0]).doubleValue();
                long nanos = Served.nanos(seconds);
                if (aborted) {
                    throw new BrokenBarrierException("the manager's barrier was aborted; reset() it to use it again");
                }
                try {
                    int left = nanos == Long.MAX_VALUE ? barrier.await() : barrier.await(nanos, TimeUnit.NANOSECONDS);
                    // CyclicBarrier counts down (the last to arrive gets 0); Python counts up from 0.
                    return barrier.getParties() - 1 - left;
                } catch (java.util.concurrent.BrokenBarrierException e) {
                    throw new BrokenBarrierException("the manager's barrier is broken: it was aborted or reset,"
                            + " or another party timed out or went away while waiting");
                } catch (TimeoutException e) {
                    throw new BrokenBarrierException("timed out after " + seconds
                            + " s waiting at the manager's barrier; it is broken now, as in Python");
                }
            }
            case "parties": return barrier.getParties();
            case "nWaiting": return barrier.getNumberWaiting();
            case "isBroken": return aborted || barrier.isBroken();
            case "abort":
                // CyclicBarrier has no abort: reset() breaks it for the parties waiting now, and
                // the flag keeps it broken for later ones until reset() is called.
                aborted = true;
                barrier.reset();
                return null;
            case "reset": aborted = false; barrier.reset(); return null;
            default: throw Served.unknown("barrier", operation);
        }
    }
}
