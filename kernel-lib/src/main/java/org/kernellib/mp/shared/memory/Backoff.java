package org.kernellib.mp.shared.memory;

import java.util.concurrent.locks.LockSupport;

import org.kernellib.mp.shared.WaitInterruptedException;

/**
 * How a thread waits for a change that another process makes in shared memory.
 *
 * <p>There is no futex in Java, so a waiter cannot be woken by a process it does not know. It
 * therefore spins briefly (a hand-over between two running threads takes well under a
 * microsecond), then yields, then parks with a sleep that doubles up to {@link #MAX_PARK_NANOS}:
 * a long wait costs about a thousand cheap wake-ups a second, never a whole core, and a release
 * is noticed at most about a millisecond late.
 *
 * <p>Not thread-safe: each waiting thread uses its own instance (they are cheap).
 */
public final class Backoff {
    /** Spins before yielding; a few microseconds on current hardware. */
    static final int SPINS = 256;
    /** Yields before parking. */
    static final int YIELDS = 16;
    static final long MIN_PARK_NANOS = 1_000;
    /** The longest sleep: bounds how late a waiter notices a change. */
    public static final long MAX_PARK_NANOS = 1_000_000;

    private final String what;
    private int rounds;
    private long parkNanos = MIN_PARK_NANOS;
    private long parkedNanos;

    /** @param what names the awaited thing in an interruption message */
    public Backoff(final String what) {
        this.what = what;
    }

    /**
     * Waits a little, longer each time.
     *
     * @param deadline {@link System#nanoTime()} after which not to sleep, or {@link Long#MAX_VALUE}
     * @throws WaitInterruptedException when the thread is interrupted
     */
    public void idle(final long deadline) {
        int r = rounds++;
        if (r < SPINS) {
            Thread.onSpinWait();
            return;
        }
        if (r < SPINS + YIELDS) {
            Thread.yield();
            return;
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new WaitInterruptedException(what);
        }
        long nanos = parkNanos;
        if (deadline != Long.MAX_VALUE) {
            nanos = Math.min(nanos, deadline - System.nanoTime());
            if (nanos <= 0) {
                return;
            }
        }
        LockSupport.parkNanos(this, nanos);
        parkedNanos += nanos;
        parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
    }

    /** Rough time spent parked so far; callers use it to run slow checks only now and then. */
    public long parkedNanos() {
        return parkedNanos;
    }

    /** Starts over with spinning, e.g. after progress was made. */
    public void reset() {
        rounds = 0;
        parkNanos = MIN_PARK_NANOS;
    }

    /** A deadline for {@link #idle(long)}: now plus the timeout, saturating; negative means none. */
    public static long deadline(final long timeoutNanos) {
        if (timeoutNanos < 0) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        long d = now + timeoutNanos;
        return d < now ? Long.MAX_VALUE : d;
    }

    /** True when the deadline has passed. */
    public static boolean expired(final long deadline) {
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
    }
}
