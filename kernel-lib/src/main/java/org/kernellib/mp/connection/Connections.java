package org.kernellib.mp.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.memory.Backoff;
import org.kernellib.mp.shared.queue.JoinableQueue;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.SimpleQueue;

/**
 * Waiting on several things at once, Python's {@code multiprocessing.connection.wait}:
 * {@code Connections.wait(List.of(conn, queue, process), Duration.ofSeconds(5))} returns those of
 * the objects that are ready, as soon as one is or when the timeout ends (then the list is empty).
 *
 * <p>Ready means:
 * <ul>
 *   <li>a {@link Connection}: a message can be received, or the other end is closed everywhere so
 *       {@code recv()} would raise end-of-file (as in Python);</li>
 *   <li>a {@link Queue}, {@link JoinableQueue} or {@link SimpleQueue}: an item is waiting, or the
 *       queue is shut down, so a {@code get} would not block (Python waits on the queue's
 *       {@code _reader} connection);</li>
 *   <li>a {@link Process}: it has ended and its exit code is known (Python's {@code sentinel});
 *       any {@link Future} (such as {@link Process#sentinel()}): it is done.</li>
 * </ul>
 *
 * <p>Called unqualified, {@code wait(...)} would mean {@link Object#wait()} in a notebook cell or
 * any class, so the function is spelled {@code Connections.wait}. These objects live in shared
 * memory, not in file descriptors, so there is nothing to {@code select} on: the waiter checks them
 * all, spinning, then yielding, then sleeping up to 1 ms between checks ({@link Backoff}), so it
 * notices readiness within about a millisecond without burning a core.
 */
public final class Connections {
    private Connections() {
    }

    /** Waits as long as needed for at least one object to be ready; returns the ready ones. */
    public static <T> List<T> wait(final Collection<T> objects) {
        return wait(objects, (Duration) null);
    }

    /** {@link #wait(Collection, Duration)} with Python's timeout in seconds (negative: return at once). */
    public static <T> List<T> wait(final Collection<T> objects, final double timeoutSeconds) {
        if (Double.isNaN(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        return wait(objects, Duration.ofNanos((long) Math.max(-1, Math.min(Long.MAX_VALUE, timeoutSeconds * 1e9))));
    }

    /**
     * Waits until at least one of {@code objects} is ready, or {@code timeout} passed (null: no
     * limit; zero or negative: just look), and returns the ready ones in the order given; empty
     * when none became ready in time.
     *
     * @throws IllegalArgumentException for an object of another kind, or for nothing to wait on
     *         without a timeout (which would wait for ever)
     * @throws org.kernellib.mp.shared.WaitInterruptedException when the thread is interrupted
     */
    public static <T> List<T> wait(final Collection<T> objects, final Duration timeout) {
        if (objects.isEmpty() && timeout == null) {
            throw new IllegalArgumentException("nothing to wait for: the list is empty and there is no timeout,"
                    + " so this would wait for ever");
        }
        List<T> items = new ArrayList<>(objects);
        List<Readiness> checks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            checks.add(readinessOf(items.get(i), i));
        }
        long deadline = timeout == null ? Long.MAX_VALUE
                : timeout.isNegative() || timeout.isZero() ? System.nanoTime() : Backoff.deadline(timeout.toNanos());
        Backoff backoff = new Backoff("one of " + items.size() + " objects in Connections.wait");
        long nextEofCheck = 0;
        while (true) {
            boolean checkEof = backoff.parkedNanos() >= nextEofCheck;
            if (checkEof) {
                nextEofCheck = backoff.parkedNanos() + Connection.eofCheckNanos();
            }
            List<T> ready = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (checks.get(i).isReady(checkEof)) {
                    ready.add(items.get(i));
                }
            }
            if (!ready.isEmpty() || Backoff.expired(deadline)) {
                return ready;
            }
            backoff.idle(deadline);
        }
    }

    /** One object's readiness test; {@code checkEof} allows the costlier end-of-file check. */
    private interface Readiness {
        boolean isReady(boolean checkEof);
    }

    private static Readiness readinessOf(final Object o, final int index) {
        if (o instanceof Connection) {
            Connection c = (Connection) o;
            if (!c.readable()) {
                throw new IllegalArgumentException("object " + index + " is the sending end of a one-way pipe, which"
                        + " never has anything to receive; wait on the receiving end");
            }
            return c::readyOrEof;
        }
        if (o instanceof Queue) {
            Queue<?> q = (Queue<?>) o;
            return checkEof -> !q.empty() || q.isShutdown();
        }
        if (o instanceof SimpleQueue) {
            return ignoringEof(((SimpleQueue<?>) o)::empty);
        }
        if (o instanceof Process) {
            Future<?> ended = ((Process) o).sentinel();
            return checkEof -> ended.isDone();
        }
        if (o instanceof Future) {
            Future<?> f = (Future<?>) o;
            return checkEof -> f.isDone();
        }
        throw new IllegalArgumentException("object " + index + " is " + (o == null ? "null" : "a " + o.getClass().getName())
                + "; Connections.wait waits on a Connection, a Queue (JoinableQueue, SimpleQueue), a Process"
                + " or a Future such as Process.sentinel()");
    }

    private static Readiness ignoringEof(final BooleanSupplier empty) {
        return checkEof -> !empty.getAsBoolean();
    }
}
