package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kernellib.mp.manager.EventProxy;
import org.kernellib.mp.manager.LockProxy;
import org.kernellib.mp.manager.QueueProxy;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.FullException;
import org.kernellib.mp.testing.ManagerPerClass;

/**
 * CPython's {@code _TestQueue}, {@code _TestLock} and {@code _TestEvent} cases
 * ({@code Lib/test/_test_multiprocessing.py}) that run with {@code TYPE = 'manager'}: the same
 * cases as {@link QueueCasesTest} and {@link SyncCasesTest}, on a manager's {@code Queue},
 * {@code Lock} and {@code Event}. The cases CPython runs only for processes, or skips for the
 * manager, are left out; so are {@code RLock}, {@code Semaphore} and {@code Condition}, which
 * kernel-lib's manager does not offer (the README says so). Elapsed times are never asserted.
 */
class ManagerSyncCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final double TIMEOUT1 = 0.1;
    private static final double TIMEOUT2 = 0.1;
    private static final double NONE = -1;
    @RegisterExtension
    static final ManagerPerClass MANAGER = new ManagerPerClass();

    // ---- _TestQueue -------------------------------------------------------------------------

    @Test
    void testPut() {
        final int maxsize = 6;
        QueueProxy<Integer> queue = MANAGER.get().queue(maxsize);
        EventProxy childCanStart = MANAGER.get().event();
        EventProxy parentCanContinue = MANAGER.get().event();
        Process proc = new Process(() -> {
            childCanStart.await();
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

        childCanStart.set();
        assertTrue(parentCanContinue.await(LONG));

        assertTrue(queue.empty());
        assertFalse(queue.full());
        assertTrue(proc.join(LONG));
    }

    @Test
    void testGet() {
        QueueProxy<Integer> queue = MANAGER.get().queue();
        EventProxy childCanStart = MANAGER.get().event();
        EventProxy parentCanContinue = MANAGER.get().event();
        Process proc = new Process(() -> {
            childCanStart.await();
            for (int i = 2; i <= 5; i++) {
                queue.put(i);
            }
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
        assertTrue(proc.join(LONG));
    }

    @Test
    void testFork() {
        QueueProxy<Integer> queue = MANAGER.get().queue();
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

    /** With a manager, CPython's {@code JoinableQueue} is the same {@code queue.Queue} as its {@code Queue}. */
    @Test
    void testTaskDone() {
        QueueProxy<Integer> queue = MANAGER.get().queue();
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process p = new Process(() -> {
                for (Integer item = queue.get(); item != null; item = queue.get()) {
                    Thread.sleep(100);
                    queue.taskDone();
                }
            }).daemon(true);
            p.start();
            workers.add(p);
        }
        for (int i = 0; i < 10; i++) {
            queue.put(i);
        }
        queue.join();
        assertEquals(0, queue.qsize());
        assertThrows(IllegalStateException.class, queue::taskDone, "every item was marked done already");
        for (int i = 0; i < workers.size(); i++) {
            queue.put(null);
        }
        for (Process p : workers) {
            assertTrue(p.join(LONG));
        }
    }

    @Test
    void testQsize() {
        QueueProxy<Integer> q = MANAGER.get().queue();
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

    // ---- _TestLock --------------------------------------------------------------------------

    @Test
    void testLock() {
        LockProxy lock = MANAGER.get().lock();
        assertTrue(lock.acquire());
        assertTrue(lock.isLocked());
        assertFalse(lock.tryAcquire());
        lock.release();
        assertFalse(lock.isLocked());
        assertThrows(IllegalStateException.class, lock::release);
    }

    @Test
    void testLockContext() {
        LockProxy lock = MANAGER.get().lock();
        try (LockProxy.Holding h = lock.hold()) {
            assertTrue(lock.isLocked());
        }
        assertFalse(lock.isLocked());
    }

    // ---- _TestEvent -------------------------------------------------------------------------

    @Test
    void testEvent() {
        EventProxy event = MANAGER.get().event();
        assertFalse(event.isSet());
        assertFalse(event.await(Duration.ZERO));
        assertFalse(event.await(Duration.ofMillis(100)));

        event.set();
        assertTrue(event.isSet());
        assertTrue(event.await());
        assertTrue(event.await(Duration.ofMillis(100)));

        event.clear();
        assertFalse(event.isSet());

        Process p = new Process(() -> {
            Thread.sleep(100);
            event.set();
        }).daemon(true);
        p.start();
        assertTrue(event.await());
        assertTrue(p.join(LONG));
    }

    /** CPython checks only the proxy's form for the manager: {@code <EventProxy object, typeid 'Event' at ...>}. */
    @Test
    void testRepr() {
        EventProxy event = MANAGER.get().event();
        assertTrue(event.toString().startsWith("EventProxy(event #"), event.toString());
        event.set();
        assertTrue(event.toString().startsWith("EventProxy(event #"), event.toString());
    }
}
