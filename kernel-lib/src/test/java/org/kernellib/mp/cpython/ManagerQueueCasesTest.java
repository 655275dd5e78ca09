package org.kernellib.mp.cpython;

import java.time.Duration;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kernellib.mp.manager.EventProxy;
import org.kernellib.mp.manager.QueueProxy;
import org.kernellib.mp.testing.ManagerPerClass;

/**
 * CPython's {@code _TestQueue} cases with {@code TYPE = 'manager'}: the cases of
 * {@link QueueCasesTest} on a manager's {@code Queue} and {@code Event}, one manager for the class
 * as CPython's {@code ManagerMixin} has. With a manager, CPython's {@code JoinableQueue} is the same
 * {@code queue.Queue} as its {@code Queue}. The cases CPython runs only for processes are left out
 * (disabled below, each saying why).
 */
class ManagerQueueCasesTest extends QueueCasesTest {
    @RegisterExtension
    static final ManagerPerClass MANAGER = new ManagerPerClass();

    private record ManagerQueue<E>(QueueProxy<E> q) implements CasesQueue<E> {
        @Override
        public void put(final E item) {
            q.put(item);
        }

        @Override
        public void put(final E item, final boolean block, final double timeoutSeconds) {
            q.put(item, block, timeoutSeconds);
        }

        /** Python's {@code put(obj, timeout=...)}: the proxy takes it in seconds. */
        @Override
        public void put(final E item, final Duration timeout) {
            q.put(item, true, timeout.toNanos() / 1e9);
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
            q.taskDone();
        }

        /** Python's {@code join()} has no timeout, and neither has the proxy's. */
        @Override
        public boolean join(final Duration timeout) {
            q.join();
            return true;
        }
    }

    private record ManagerEvent(EventProxy e) implements CasesEvent {
        @Override
        public void set() {
            e.set();
        }

        @Override
        public boolean await(final Duration timeout) {
            return e.await(timeout);
        }
    }

    @Override
    protected <E> CasesQueue<E> newQueue(final int maxsize) {
        return new ManagerQueue<>(MANAGER.get().queue(maxsize));
    }

    @Override
    protected <E> CasesQueue<E> newJoinableQueue() {
        return new ManagerQueue<>(MANAGER.get().queue());
    }

    @Override
    protected CasesEvent newEvent() {
        return new ManagerEvent(MANAGER.get().event());
    }

    @Test
    @Override
    @Disabled("CPython runs it for processes only: it is about the feeder thread of a process queue")
    void testQueueFeederDonotStopOnexc() {
    }

    @Test
    @Override
    @Disabled("CPython runs it for processes only: a manager's queue proxy has no close()")
    void testClosedQueuePutGetExceptions() {
    }

    @Test
    @Override
    @Disabled("CPython runs it for processes only: a manager's queue proxy has no close()")
    void testClosedQueueEmptyExceptions() {
    }

    @Test
    @Override
    @Disabled("_TestSimpleQueue is for processes only in CPython")
    void testSimpleQueueEmpty() {
    }

    @Test
    @Override
    @Disabled("_TestSimpleQueue is for processes only in CPython")
    void testSimpleQueueEmptyExceptions() {
    }

    @Test
    @Override
    @Disabled("_TestSimpleQueue is for processes only in CPython")
    void testSimpleQueueClose() {
    }
}
