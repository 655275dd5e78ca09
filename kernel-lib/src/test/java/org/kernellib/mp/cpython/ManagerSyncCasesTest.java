package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kernellib.mp.manager.EventProxy;
import org.kernellib.mp.manager.LockProxy;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.testing.ManagerPerClass;

/**
 * CPython's {@code _TestLock} and {@code _TestEvent} cases
 * ({@code Lib/test/_test_multiprocessing.py}) that run with {@code TYPE = 'manager'}: the same
 * cases as {@link SyncCasesTest}, on a manager's {@code Lock} and {@code Event} (the queue cases
 * are in {@link ManagerQueueCasesTest}). The cases CPython runs only for processes, or skips for the
 * manager, are left out; so are {@code RLock}, {@code Semaphore} and {@code Condition}, which
 * kernel-lib's manager does not offer (the README says so). Elapsed times are never asserted.
 */
class ManagerSyncCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);
    @RegisterExtension
    static final ManagerPerClass MANAGER = new ManagerPerClass();

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
