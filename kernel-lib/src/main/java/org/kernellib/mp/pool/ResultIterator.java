package org.kernellib.mp.pool;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The results of {@link Pool#imap} (input order) or {@link Pool#imapUnordered} (completion
 * order), yielded as they arrive. Usable once in a for-each loop. {@code next()} blocks until the
 * next result is there; a failed call throws its {@link PoolException} at the point it is reached
 * (results that arrived before it are still yielded in order); an interrupt while waiting cancels
 * the call and throws {@link PoolInterruptedException}. When the input iterable threw part-way,
 * the results of the items before the bad one are yielded and then its exception is thrown, as
 * Python's {@code imap} does.
 */
public final class ResultIterator<R> implements Iterator<R>, Iterable<R> {
    private final Job job;
    private final boolean ordered;
    private final Map<Integer, Chunk> early = new HashMap<>();
    private int nextChunk;
    private Object[] current;
    private int pos;
    private int yielded;
    /** What the input iterable threw after the items of the job, or null. */
    private final RuntimeException inputFailure;

    ResultIterator(final Job job, final boolean ordered, final RuntimeException inputFailure) {
        this.job = job;
        this.ordered = ordered;
        this.inputFailure = inputFailure;
    }

    @Override
    public Iterator<R> iterator() {
        return this;
    }

    @Override
    public boolean hasNext() {
        return yielded < job.total || inputFailure != null;
    }

    @Override
    public R next() {
        try {
            return next(-1);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e); // cannot happen without a timeout
        }
    }

    /** Python's {@code next(timeout)}: waits at most {@code timeout} for the next result. */
    public R next(final Duration timeout) throws TimeoutException {
        return next(timeout.toNanos());
    }

    /**
     * Stops the call when the results are no longer wanted (a loop left early): pending chunks
     * are dropped, running ones finish; {@code next()} then throws.
     */
    public void cancel() {
        job.book().cancel(job, new PoolException("pool call #" + job.id + " (" + job.label + ") was cancelled"), false);
    }

    /** The id of the pool call, as in {@link TimelineEntry#callId()}. */
    public int callId() {
        return job.id;
    }

    @SuppressWarnings("unchecked")
    private R next(final long timeoutNanos) throws TimeoutException {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + job.total + " results were read");
        }
        if (yielded == job.total) {
            throw inputFailure;
        }
        long end = System.nanoTime() + timeoutNanos;
        while (current == null || pos >= current.length) {
            Chunk c = ordered ? early.remove(nextChunk) : null;
            if (c == null) {
                Object o = take(timeoutNanos < 0 ? -1 : end - System.nanoTime());
                if (o instanceof RuntimeException) {
                    job.arrivals.add(o); // every later call fails the same way
                    throw (RuntimeException) o;
                }
                c = (Chunk) o;
                if (ordered && c.index != nextChunk) {
                    early.put(c.index, c);
                    continue;
                }
            }
            nextChunk++;
            current = c.results;
            pos = 0;
        }
        yielded++;
        return (R) current[pos++];
    }

    private Object take(final long nanos) throws TimeoutException {
        try {
            if (nanos < 0 && nanos != -1) {
                throw new TimeoutException("no result of pool call #" + job.id + " within the timeout");
            }
            Object o = nanos == -1 ? job.arrivals.take() : job.arrivals.poll(nanos, TimeUnit.NANOSECONDS);
            if (o == null) {
                throw new TimeoutException("no result of pool call #" + job.id + " within the timeout");
            }
            return o;
        } catch (InterruptedException e) {
            job.book().cancelAfterInterrupt(job, e);
            throw new IllegalStateException("unreachable");
        }
    }
}
