package org.kernellib.mp.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kernellib.mp.pool.Pool;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.shared.WaitInterruptedException;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.ShutDownException;
import org.kernellib.mp.shared.sync.BrokenBarrierException;
import org.kernellib.mp.testing.ManagerPerClass;

/** Proxies used from this process and from workers they were copied to; one manager for all. */
class ManagerTest {
    @RegisterExtension
    static final ManagerPerClass MANAGER = new ManagerPerClass();

    private static void runAll(final Process... ps) {
        for (Process p : ps) {
            p.start();
        }
        for (Process p : ps) {
            p.join();
            assertEquals(OptionalInt.of(0), p.exitCode(), p.name() + " failed");
        }
    }

    @Test
    void mergeFromTwoWorkersLosesNoUpdate() {
        DictProxy<String, Integer> d = MANAGER.get().dict();
        runAll(new Process(() -> {
            for (int i = 0; i < 300; i++) {
                d.merge("n", 1, Integer::sum);
            }
            d.put("a", 1);
        }), new Process(() -> {
            for (int i = 0; i < 300; i++) {
                d.merge("n", 1, Integer::sum);
            }
            d.put("b", 2);
        }));
        assertEquals(600, d.get("n"));
        assertEquals(3, d.size());
        assertEquals(Map.of("n", 600, "a", 1, "b", 2), d);
        assertTrue(d.keySet().containsAll(List.of("a", "b", "n")));
        assertThrows(UnsupportedOperationException.class, () -> d.keySet().remove("a"));
        NullPointerException npe = assertThrows(NullPointerException.class, () -> d.put(null, 1));
        assertTrue(npe.getMessage().contains("no null key"), npe.getMessage());
        assertEquals(1, d.remove("a"));
        assertFalse(d.containsKey("a"));
        assertTrue(d.replace("b", 2, 3));
        assertFalse(d.replace("b", 2, 4));
        assertEquals(3, d.get("b"));
    }

    @Test
    void listNamespaceAndValueChangedInAWorkerAreSeenHere() {
        ListProxy<Integer> l = MANAGER.get().list(List.of(1, 2));
        NamespaceProxy ns = MANAGER.get().namespace();
        ValueProxy<Double> v = MANAGER.get().value(0.5);
        runAll(new Process(() -> {
            l.add(3);
            l.add(0, 0);
            ns.set("who", "worker");
            v.set(v.get() * 4);
        }));
        assertEquals(List.of(0, 1, 2, 3), l);
        assertEquals(List.of(0, 1, 2, 3), new ArrayList<>(l));
        assertEquals("worker", ns.get("who"));
        assertEquals(2.0, v.get());
        assertTrue(v.compareAndSet(2.0, 3.0));
        assertFalse(v.compareAndSet(2.0, 4.0));
        assertEquals("Namespace(who=worker)", ns.toString());
    }

    /** sort and replaceAll put a changed copy back only if nothing changed the list meanwhile. */
    @Test
    void replaceAllFromTwoWorkersLosesNoUpdate() {
        ListProxy<Integer> l = MANAGER.get().list(List.of(0, 0));
        Task bump = () -> {
            for (int i = 0; i < 100; i++) {
                l.replaceAll(x -> x + 1);
            }
        };
        runAll(new Process(bump), new Process(bump));
        assertEquals(List.of(200, 200), l);
        l.add(0, 7);
        l.sort(null);
        assertEquals(List.of(7, 200, 200), l);
        l.sort(java.util.Comparator.reverseOrder());
        assertEquals(List.of(200, 200, 7), l);
    }

    /** Collections' algorithms change a list through set(i, e), whatever its size (a ListProxy is RandomAccess). */
    @Test
    void collectionsAlgorithmsWorkOnALongListProxy() {
        List<Integer> local = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            local.add(i);
        }
        ListProxy<Integer> l = MANAGER.get().list(local);
        java.util.Collections.reverse(l);
        java.util.Collections.reverse(local);
        assertEquals(local, l);
        java.util.Collections.swap(l, 0, 39);
        assertEquals(0, l.get(0));
        java.util.Collections.fill(l, 5);
        assertEquals(java.util.Collections.nCopies(40, 5), l);
    }

    @Test
    void aProxyPassedAsAPoolItemReachesTheSameObject() {
        ListProxy<String> l = MANAGER.get().list();
        try (Pool pool = new Pool(1)) {
            List<Boolean> added = pool.map(list -> list.add("from pid " + ProcessHandle.current().pid()), List.of(l, l));
            assertEquals(List.of(true, true), added);
        }
        assertEquals(2, l.size());
        assertTrue(l.get(0).startsWith("from pid ") && !l.get(0).equals("from pid " + ProcessHandle.current().pid()), l.get(0));
    }

    @Test
    void aContainerSearchedForAProxyOfItselfAnswers() {
        // The manager compares with the argument's equals and hashCode: a proxy's ask its own
        // container for a copy, a call back into the manager for the very object being searched.
        ListProxy<Object> l = MANAGER.get().list(List.of(List.of(1), "x"));
        DictProxy<Object, Object> d = MANAGER.get().dict();
        d.put("k", Map.of());
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertFalse(l.contains(l));
            assertEquals(-1, l.indexOf(l));
            assertEquals(-1, l.lastIndexOf(l));
            assertFalse(l.remove(l));
            assertEquals(List.of(List.of(1), "x"), l.copy());
            assertFalse(d.containsValue(d));
            assertFalse(d.containsKey(d));
        });
    }

    @Test
    void aNestedPlainValueIsACopyButANestedProxyIsShared() {
        DictProxy<String, Object> d = MANAGER.get().dict();
        d.put("plain", new ArrayList<>(List.of(1)));
        @SuppressWarnings("unchecked")
        List<Integer> copy = (List<Integer>) d.get("plain");
        copy.add(2);
        assertEquals(List.of(1), d.get("plain"), "as in Python: a change to a nested plain object is not propagated");
        d.put("plain", copy);
        assertEquals(List.of(1, 2), d.get("plain"), "until it is reassigned");

        ListProxy<Integer> inner = MANAGER.get().list();
        d.put("shared", inner);
        runAll(new Process(() -> {
            @SuppressWarnings("unchecked")
            ListProxy<Integer> there = (ListProxy<Integer>) d.get("shared");
            there.add(42);
        }));
        assertEquals(List.of(42), inner, "a proxy stored in a dict is shared");
    }

    @Test
    void managerErrorsReachTheCallerAsThemselves() {
        ListProxy<Integer> l = MANAGER.get().list();
        assertThrows(IndexOutOfBoundsException.class, () -> l.get(5));
        LockProxy lock = MANAGER.get().lock();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
        assertTrue(e.getMessage().contains("unlocked"), e.getMessage());
        QueueProxy<String> q = MANAGER.get().queue();
        assertThrows(EmptyException.class, () -> q.get(Duration.ofMillis(50)));
        NoSuchElementException missing = assertThrows(NoSuchElementException.class, () -> MANAGER.get().namespace().get("x"));
        assertTrue(missing.getMessage().contains("'x'"), missing.getMessage());
        IllegalArgumentException badArg = assertThrows(IllegalArgumentException.class, () -> MANAGER.get().barrier(0));
        assertTrue(badArg.getMessage().contains("at least 1"), badArg.getMessage());
        IllegalArgumentException badSize = assertThrows(IllegalArgumentException.class, () -> MANAGER.get().queue(-1));
        assertTrue(badSize.getMessage().contains("maxsize must be >= 0"), badSize.getMessage());
        DictProxy<String, Object> d = MANAGER.get().dict();
        IllegalArgumentException notCopyable = assertThrows(IllegalArgumentException.class,
                () -> d.put("t", new Thread()));
        assertTrue(notCopyable.getMessage().contains("cannot send an argument of the manager call put")
                && notCopyable.getMessage().contains("java.lang.Thread"), notCopyable.getMessage());
        assertEquals(0, d.size(), "nothing was stored");
    }

    /** Python 3.13's queue.Queue.shutdown through the proxy; a get waiting in a worker ends with it. */
    @Test
    void aQueueShutDownWakesAGetWaitingInAWorkerAndRefusesPuts() {
        QueueProxy<String> q = MANAGER.get().queue(1);
        QueueProxy<String> results = MANAGER.get().queue();
        EventProxy waiting = MANAGER.get().event();
        Process getter = new Process(() -> {
            waiting.set();
            try {
                results.put("got " + q.get());
            } catch (ShutDownException e) {
                results.put("ShutDown");
            }
        });
        getter.start();
        assertTrue(waiting.await(Duration.ofSeconds(60)));
        assertFalse(q.isShutdown());
        q.shutdown();
        assertTrue(q.isShutdown());
        assertEquals("ShutDown", results.get(Duration.ofSeconds(60)));
        getter.join();
        assertThrows(ShutDownException.class, () -> q.put("late"));

        QueueProxy<String> full = MANAGER.get().queue(2);
        full.put("a");
        full.put("b");
        full.shutdown();
        assertEquals("a", full.get(), "shutdown() leaves the items to get");
        full.shutdown(true);
        assertThrows(ShutDownException.class, full::get, "shutdown(true) dropped the rest");
        assertEquals(0, full.qsize());
    }

    @Test
    void lockEventQueueAndBarrierWorkAcrossProcesses() {
        LockProxy lock = MANAGER.get().lock();
        EventProxy go = MANAGER.get().event();
        QueueProxy<String> q = MANAGER.get().queue();
        BarrierProxy b = MANAGER.get().barrier(2);
        ValueProxy<Integer> counter = MANAGER.get().value(0);
        Process p = new Process(() -> {
            b.await();
            go.await();
            for (int i = 0; i < 100; i++) {
                try (LockProxy.Holding h = lock.hold()) {
                    counter.set(counter.get() + 1);
                }
            }
            q.put("done in " + ProcessHandle.current().pid());
        });
        p.start();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int index = b.await();
            assertTrue(index == 0 || index == 1);
            assertFalse(go.isSet());
            go.set();
            for (int i = 0; i < 100; i++) {
                try (LockProxy.Holding h = lock.hold()) {
                    counter.set(counter.get() + 1);
                }
            }
            assertEquals("done in " + p.pid(), q.get());
            p.join();
        });
        assertEquals(200, counter.get(), "the lock made read-then-write exclusive");
        b.abort();
        assertTrue(b.isBroken());
        assertThrows(BrokenBarrierException.class, b::await);
        b.reset();
        assertFalse(b.isBroken());
    }

    @Test
    void anInterruptedAcquireDoesNotTakeTheLock() throws Exception {
        LockProxy lock = MANAGER.get().lock();
        assertTrue(lock.acquire());
        Throwable[] seen = new Throwable[1];
        Thread waiter = new Thread(() -> {
            try {
                lock.acquire();
            } catch (Throwable t) {
                seen[0] = t;
            }
        });
        waiter.start();
        Thread.sleep(300); // let it wait in the manager
        waiter.interrupt();
        waiter.join(10_000);
        assertTrue(seen[0] instanceof WaitInterruptedException, String.valueOf(seen[0]));
        Thread.sleep(300); // the manager sees the closed connection and abandons the acquire
        lock.release();
        assertTrue(lock.tryAcquire(), "the abandoned acquire must not have taken the lock");
        lock.release();
    }
}
