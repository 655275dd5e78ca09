package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.manager.DictProxy;
import org.kernellib.mp.manager.Manager;
import org.kernellib.mp.manager.ManagerGoneException;
import org.kernellib.mp.manager.QueueProxy;

/**
 * CPython's manager start/shutdown/restart cases ({@code _TestManagerRestart}, and the lifecycle
 * part of {@code _TestMyManager}; {@code Lib/test/_test_multiprocessing.py}), with kernel-lib's
 * manager. CPython's cases use a custom manager class (registered types, a TCP address and an
 * authkey that a second manager object connects to); kernel-lib's manager has its built-in types
 * only and a private address, so a proxy, not an address, travels to the child process, and the
 * built-in dict and queue stand in for the registered types. What is checked is CPython's point:
 * a manager ends cleanly on {@code shutdown()} and at the end of a {@code with} block, and a new
 * one starts and works right after.
 */
class ManagerLifecycleCasesTest {

    /** {@code _TestMyManager.common}, with built-in types for the registered ones. */
    private static void common(final Manager manager) {
        DictProxy<String, String> foo = manager.dict();
        foo.put("f", "f()");
        assertEquals("f()", foo.get("f"));
        assertThrows(IllegalStateException.class, () -> manager.lock().release(), "an error in the manager reaches the caller");
    }

    @Test
    void testMymanager() {
        Manager manager = Manager.start();
        common(manager);
        manager.shutdown();
        assertFalse(manager.isAlive());
        assertEquals(OptionalInt.of(0), manager.process().exitCode(), "the manager process ended by itself, not killed");
    }

    @Test
    void testMymanagerContext() {
        Manager outside;
        try (Manager manager = Manager.start()) {
            outside = manager;
            common(manager);
        }
        assertFalse(outside.isAlive());
        assertEquals(OptionalInt.of(0), outside.process().exitCode());
    }

    @Test
    void testRapidRestart() {
        Manager manager = Manager.start();
        QueueProxy<String> queue;
        try {
            queue = manager.queue();
            ManagerCasesTest.runWorker(() -> queue.put("hello world")); // CPython's _putter
            assertEquals("hello world", queue.get(Duration.ofSeconds(60)));
        } finally {
            manager.shutdown();
        }
        assertThrows(ManagerGoneException.class, () -> queue.put("late"), "the old manager's proxies fail");
        assertThrows(IllegalStateException.class, manager::queue, "a shut-down manager makes no new objects");

        try (Manager again = Manager.start()) {
            QueueProxy<String> q = again.queue();
            ManagerCasesTest.runWorker(() -> q.put("hello again"));
            assertEquals("hello again", q.get(Duration.ofSeconds(60)));
        }
    }

    /** {@code test_rapid_restart} with the first manager killed instead of shut down. */
    @Test
    void testRapidRestartAfterTheManagerWasKilled() {
        Manager manager = Manager.start();
        DictProxy<String, Integer> d = manager.dict();
        d.put("x", 1);
        manager.process().kill();
        assertTrue(manager.process().join(Duration.ofSeconds(60)));
        assertThrows(ManagerGoneException.class, () -> d.get("x"));
        manager.shutdown(); // of a killed manager: cleans up, does not hang

        try (Manager again = Manager.start()) {
            DictProxy<String, Integer> fresh = again.dict();
            ManagerCasesTest.runWorker(() -> fresh.put("x", 2));
            assertEquals(2, fresh.get("x"));
        }
    }
}
