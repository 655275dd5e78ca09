package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.FullException;
import org.kernellib.mp.shared.queue.JoinableQueue;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.SimpleQueue;
import org.kernellib.mp.shared.sync.Event;

/**
 * CPython's {@code _TestQueue} and {@code _TestSimpleQueue} cases
 * ({@code Lib/test/_test_multiprocessing.py}), with the Java names. Each test names the case it
 * ports. Python's {@code queue.Full} and {@code queue.Empty} are {@link FullException} and
 * {@link EmptyException}; a timeout of {@code None} is a negative number of seconds. Elapsed times
 * are never asserted, except a lower bound on a wait that must time out.
 *
 * <p>Differences on purpose, which the cases show: an item that cannot be serialized is refused
 * by {@code put} itself (Python's feeder thread drops it later and prints the error); a closed
 * handle refuses {@code put} and {@code get} with {@link IllegalStateException} (Python:
 * {@code ValueError}) but still answers {@code empty()} (Python raises {@code OSError} once the
 * queue was used), since {@code close()} only ends this handle's use, there being no feeder thread
 * or pipe to release. Python 3.13's {@code shutdown()} cases are in {@link QueueShutdownCasesTest}.
 * Not ported: the cases about Python's import lock and feeder-thread hooks.
 * {@link ManagerQueueCasesTest} runs the cases CPython runs for a manager's queue too.
 */
class QueueCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final double TIMEOUT1 = 0.1;
    private static final double TIMEOUT2 = 0.1;
    private static final double TIMEOUT3 = 0.1;
    private static final double NONE = -1;

    /** The queue operations the shared cases use, so that they run on a shared-memory and a manager queue alike. */
    interface CasesQueue<E> extends Serializable {
        void put(E item);

        void put(E item, boolean block, double timeoutSeconds);

        void put(E item, Duration timeout);

        void putNowait(E item);

        E get();

        E get(boolean block, double timeoutSeconds);

        E get(Duration timeout);

        E getNowait();

        boolean empty();

        boolean full();

        int qsize();

        void taskDone();

        /** Waits until every item put was marked done; false if the timeout came first. */
        boolean join(Duration timeout);
    }

    /** The event operations the cases use. */
    interface CasesEvent extends Serializable {
        void set();

        boolean await(Duration timeout);
    }

    /** A shared-memory queue (a {@link JoinableQueue} where a case marks tasks done). */
    private record SharedQueue<E>(Queue<E> q) implements CasesQueue<E> {
        @Override
        public void put(final E item) {
            q.put(item);
        }

        @Override
        public void put(final E item, final boolean block, final double timeoutSeconds) {
            q.put(item, block, timeoutSeconds);
        }

        @Override
        public void put(final E item, final Duration timeout) {
            q.put(item, timeout);
        }

        @Override
        public void putNowait(final E item) {
            q.putNowait(item);
        }

        @Override
        public E get() {
            return q.get();
        }

        @Override
        public E get(final boolean block, final double timeoutSeconds) {
            return q.get(block, timeoutSeconds);
        }

        @Override
        public E get(final Duration timeout) {
            return q.get(timeout);
        }

        @Override
        public E getNowait() {
            return q.getNowait();
        }

        @Override
        public boolean empty() {
            return q.empty();
        }

        @Override
        public boolean full() {
            return q.full();
        }

        @Override
        public int qsize() {
            return q.qsize();
        }

        @Override
        public void taskDone() {
            ((JoinableQueue<E>) q).taskDone();
        }

        @Override
        public boolean join(final Duration timeout) {
            return ((JoinableQueue<E>) q).join(timeout);
        }
    }

    private record SharedEvent(Event e) implements CasesEvent {
        @Override
        public void set() {
            e.set();
        }

        @Override
        public boolean await(final Duration timeout) {
            return e.await(timeout);
        }
    }

    /** CPython's {@code self.Queue(maxsize)}. */
    protected <E> CasesQueue<E> newQueue(final int maxsize) {
        return new SharedQueue<>(SharedState.queue(maxsize));
    }

    /** CPython's {@code self.JoinableQueue()}. */
    protected <E> CasesQueue<E> newJoinableQueue() {
        return new SharedQueue<>(SharedState.joinableQueue());
    }

    /** CPython's {@code self.Event()}. */
    protected CasesEvent newEvent() {
        return new SharedEvent(SharedState.event());
    }

    // ---- test_put ---------------------------------------------------------------------------

    @Test
    void testPut() {
        final int maxsize = 6;
        CasesQueue<Integer> queue = newQueue(maxsize);
        CasesEvent childCanStart = newEvent();
        CasesEvent parentCanContinue = newEvent();
        Process proc = new Process(() -> {
            childCanStart.await(LONG);
            for (int i = 0; i < 6; i++) {
                queue.get();
            }
            parentCanContinue.set();
        }).daemon(true);
        proc.start();

        assertTrue(queue.empty());
        assertFalse(queue.full());

        queue.put(1);
        queue.put(2, true, NONE);
        queue.put(3, true, NONE);
        queue.put(4, false, NONE);
        queue.put(5, false, NONE);
        queue.putNowait(6);

        assertFalse(queue.empty());
        assertTrue(queue.full());

        assertThrows(FullException.class, () -> queue.put(7, false, NONE));
        assertThrows(FullException.class, () -> queue.putNowait(7));
        assertThrows(FullException.class, () -> queue.put(7, true, TIMEOUT1));
        assertThrows(FullException.class, () -> queue.put(7, false, TIMEOUT2));
        assertThrows(FullException.class, () -> queue.put(7, Duration.ofMillis((long) (TIMEOUT3 * 1000))));

        childCanStart.set();
        assertTrue(parentCanContinue.await(LONG));

        assertTrue(queue.empty());
        assertFalse(queue.full());
        assertTrue(proc.join(LONG));
    }

    // ---- test_get ---------------------------------------------------------------------------

    @Test
    void testGet() {
        CasesQueue<Integer> queue = newQueue(0);
        CasesEvent childCanStart = newEvent();
        CasesEvent parentCanContinue = newEvent();
        Process proc = new Process(() -> {
            childCanStart.await(LONG);
            queue.put(2);
            queue.put(3);
            queue.put(4);
            queue.put(5);
            parentCanContinue.set();
        }).daemon(true);
        proc.start();

        assertTrue(queue.empty());
        childCanStart.set();
        assertTrue(parentCanContinue.await(LONG));
        assertFalse(queue.empty());

        assertEquals(2, queue.get(true, NONE));
        assertEquals(3, queue.get());
        assertEquals(4, queue.get(Duration.ofSeconds(1)));
        assertEquals(5, queue.getNowait());

        assertTrue(queue.empty());

        assertThrows(EmptyException.class, () -> queue.get(false, NONE));
        assertThrows(EmptyException.class, queue::getNowait);
        assertThrows(EmptyException.class, () -> queue.get(true, TIMEOUT1));
        assertThrows(EmptyException.class, () -> queue.get(false, TIMEOUT2));
        assertThrows(EmptyException.class, () -> queue.get(Duration.ofMillis((long) (TIMEOUT3 * 1000))));
        assertTrue(proc.join(LONG));
    }

    // ---- test_fork --------------------------------------------------------------------------

    @Test
    void testFork() {
        CasesQueue<Integer> queue = newQueue(0);
        for (int i = 0; i < 10; i++) {
            queue.put(i);
        }
        Process p = new Process(() -> {
            for (int i = 10; i < 20; i++) {
                queue.put(i);
            }
        }).daemon(true);
        p.start();
        for (int i = 0; i < 20; i++) {
            assertEquals(i, queue.get(LONG));
        }
        assertThrows(EmptyException.class, () -> queue.get(false, NONE));
        assertTrue(p.join(LONG));
    }

    // ---- test_qsize -------------------------------------------------------------------------

    @Test
    void testQsize() {
        CasesQueue<Integer> q = newQueue(0);
        assertEquals(0, q.qsize());
        q.put(1);
        assertEquals(1, q.qsize());
        q.put(5);
        assertEquals(2, q.qsize());
        q.get();
        assertEquals(1, q.qsize());
        q.get();
        assertEquals(0, q.qsize());
    }

    // ---- test_task_done ---------------------------------------------------------------------

    @Test
    void testTaskDone() {
        CasesQueue<Integer> queue = newJoinableQueue();
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(new Process(() -> {
                for (Integer obj = queue.get(); obj != null; obj = queue.get()) {
                    Thread.sleep(100);
                    queue.taskDone();
                }
            }).daemon(true));
        }
        workers.forEach(Process::start);
        for (int i = 0; i < 10; i++) {
            queue.put(i);
        }
        assertTrue(queue.join(LONG));
        assertEquals(0, queue.qsize());
        assertThrows(IllegalStateException.class, queue::taskDone, "every item was marked done already");
        for (int i = 0; i < workers.size(); i++) {
            queue.put(null);
        }
        for (Process p : workers) {
            assertTrue(p.join(LONG));
        }
    }

    // ---- test_timeout -----------------------------------------------------------------------

    @Test
    void testTimeout() {
        CasesQueue<Object> q = newQueue(0);
        long start = System.nanoTime();
        assertThrows(EmptyException.class, () -> q.get(true, 0.200));
        long deltaMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(deltaMillis >= 100, "returned after " + deltaMillis + " ms");
    }

    // ---- test_queue_feeder_donot_stop_onexc -------------------------------------------------

    /** Python's feeder drops what cannot be pickled; here put refuses it, and the queue goes on. */
    @Test
    void testQueueFeederDonotStopOnexc() {
        Queue<Object> q = SharedState.queue();
        assertThrows(RuntimeException.class, () -> q.put(new Thread()));
        q.put(true);
        assertEquals(true, q.get(LONG));

        Queue<Object> one = SharedState.queue(1);
        assertThrows(RuntimeException.class, () -> one.put(new Thread()));
        one.put(true);
        assertEquals(1, one.qsize());
        assertEquals(true, one.get(LONG));
        assertTrue(one.empty());
    }

    // ---- test_closed_queue_empty_exceptions, test_closed_queue_put_get_exceptions ------------

    @Test
    void testClosedQueuePutGetExceptions() {
        for (Queue<String> q : List.<Queue<String>>of(SharedState.queue(), SharedState.joinableQueue())) {
            q.close();
            assertTrue(assertThrows(IllegalStateException.class, () -> q.put("foo")).getMessage().contains("closed"));
            assertTrue(assertThrows(IllegalStateException.class, q::get).getMessage().contains("closed"));
        }
    }

    @Test
    void testClosedQueueEmptyExceptions() {
        for (Queue<String> q : List.<Queue<String>>of(SharedState.queue(), SharedState.joinableQueue())) {
            q.close();
            assertTrue(q.empty());
        }
        for (Queue<String> q : List.<Queue<String>>of(SharedState.queue(), SharedState.joinableQueue())) {
            q.put("foo");
            q.close();
            assertFalse(q.empty(), "Python raises OSError here; this handle still sees the item");
        }
    }

    // ---- _TestSimpleQueue.test_empty --------------------------------------------------------

    @Test
    void testSimpleQueueEmpty() {
        SimpleQueue<Boolean> queue = SharedState.simpleQueue();
        Event childCanStart = SharedState.event();
        Event parentCanContinue = SharedState.event();
        Process proc = new Process(() -> {
            childCanStart.await();
            try {
                queue.put(queue.empty());
                queue.put(queue.empty());
            } finally {
                parentCanContinue.set();
            }
        }).daemon(true);
        proc.start();

        assertTrue(queue.empty());
        childCanStart.set();
        assertTrue(parentCanContinue.await(LONG));

        assertFalse(queue.empty());
        assertEquals(true, queue.get());
        assertEquals(false, queue.get());
        assertTrue(queue.empty());
        proc.join();
    }

    // ---- _TestSimpleQueue.test_empty_exceptions ---------------------------------------------

    /** Python raises OSError for empty() on a closed SimpleQueue; here it answers, as for Queue. */
    @Test
    void testSimpleQueueEmptyExceptions() {
        SimpleQueue<Object> q = SharedState.simpleQueue();
        q.close();
        assertTrue(q.empty());
        assertThrows(IllegalStateException.class, () -> q.put("foo"));
    }

    // ---- _TestSimpleQueue.test_close --------------------------------------------------------

    @Test
    void testSimpleQueueClose() {
        SimpleQueue<Object> queue = SharedState.simpleQueue();
        queue.close();
        queue.close(); // closing a queue twice does not fail
        assertThrows(IllegalStateException.class, queue::get);
    }
}
