package org.kernellib.mp.shared.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.RawIntValue;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.testing.ChildJvm;

class EventConditionBarrierTest {

    @Test
    void eventTimesOutWhileClearAndReturnsOnceSet() {
        try (Event e = Event.create()) {
            long t0 = System.nanoTime();
            assertFalse(e.await(Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - t0 >= 50_000_000L, "returned before the timeout");
            e.set();
            assertTrue(e.isSet());
            assertTrue(e.await(Duration.ZERO));
            e.clear();
            assertFalse(e.await(0.0));
            e.unlink();
        }
    }

    @Test
    void conditionWakesAWaiterAndRestoresRLockDepth() throws Exception {
        try (Condition c = Condition.create(); RawIntValue v = SharedState.rawIntValue(0)) {
            RLock lock = (RLock) c.getLock();
            AtomicBoolean ok = new AtomicBoolean();
            Thread waiter = new Thread(() -> {
                lock.acquire();
                lock.acquire();
                ok.set(c.awaitFor(() -> v.get() == 1, Duration.ofSeconds(10)) && lock.getHoldCount() == 2);
                lock.release();
                lock.release();
            });
            waiter.start();
            while (c.toString().contains("waiters=0")) {
                Thread.sleep(1);
            }
            try (Held held = c.hold()) {
                v.set(1);
                c.signal();
            }
            waiter.join();
            assertTrue(ok.get(), "waiter was not woken with its hold count restored");
            c.unlink();
            v.unlink();
        }
    }

    @Test
    void signalsWakeWaitersOneEachAndNoneIsLost() throws Exception {
        try (Condition c = Condition.create(); RawIntValue items = SharedState.rawIntValue(0);
             RawIntValue taken = SharedState.rawIntValue(0)) {
            int consumers = 4;
            int perConsumer = 2_000;
            Thread[] ts = new Thread[consumers];
            for (int t = 0; t < consumers; t++) {
                ts[t] = new Thread(() -> {
                    for (int i = 0; i < perConsumer; i++) {
                        try (Held held = c.hold()) {
                            assertTrue(c.awaitFor(() -> items.get() > 0, Duration.ofSeconds(30)), "starved: " + c);
                            items.set(items.get() - 1);
                            taken.incrementAndGet();
                        }
                    }
                });
                ts[t].start();
            }
            for (int i = 0; i < consumers * perConsumer; i++) {
                try (Held held = c.hold()) {
                    items.set(items.get() + 1);
                    c.signal();
                }
                if (i % 64 == 0) {
                    Thread.yield();
                }
            }
            for (Thread t : ts) {
                t.join(60_000);
            }
            assertEquals(consumers * perConsumer, taken.get());
            assertEquals(0, items.get());
            assertTrue(c.toString().endsWith("waiters=0)"), c.toString());
            c.unlink();
            items.unlink();
            taken.unlink();
        }
    }

    @Test
    void conditionMisuseAndTimeoutsSaySo() {
        try (Condition c = Condition.create(); Semaphore s = Semaphore.create(1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, c::signal);
            assertTrue(e.getMessage().contains("does not hold"), e.getMessage());
            assertThrows(IllegalStateException.class, c::await);
            try (Held held = c.hold()) {
                assertFalse(c.await(Duration.ofMillis(20)));
                assertTrue(((RLock) c.getLock()).isHeldByCurrentThread(), "await must re-acquire after a timeout");
            }
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Condition.create(s));
            assertTrue(bad.getMessage().contains("Semaphore"), bad.getMessage());
            c.unlink();
            s.unlink();
        }
    }

    @Test
    void barrierTimeoutBreaksIt() {
        try (Barrier b = Barrier.create(2)) {
            BrokenBarrierException e = assertThrows(BrokenBarrierException.class, () -> b.await(Duration.ofMillis(30)));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(b.isBroken());
            assertThrows(BrokenBarrierException.class, b::await);
            assertThrows(IllegalArgumentException.class, () -> Barrier.create(0));
            b.unlink();
        }
    }

    // ---- across processes -------------------------------------------------------------------

    /** Child: wait for the event, signal the condition's waiter, then meet at the barrier twice. */
    static void partner(final Object[] a) {
        Event event = (Event) a[0];
        Condition cond = (Condition) a[1];
        RawIntValue v = (RawIntValue) a[2];
        Barrier barrier = (Barrier) a[3];
        System.out.println("READY");
        if (!event.await(Duration.ofSeconds(30))) {
            throw new AssertionError("event not set");
        }
        try (Held held = cond.hold()) {
            v.set(1);
            cond.signalAll();
        }
        System.out.println("INDEX " + barrier.await(Duration.ofSeconds(30)));
        System.out.println("INDEX " + barrier.await(Duration.ofSeconds(30)));
    }

    @Test
    void eventConditionAndBarrierWorkAcrossProcesses() {
        try (Event event = Event.create(); Condition cond = Condition.create(); RawIntValue v = SharedState.rawIntValue(0);
             Barrier barrier = Barrier.create(3);
             ChildJvm c1 = ChildJvm.start(EventConditionBarrierTest.class, "partner", event, cond, v, barrier);
             ChildJvm c2 = ChildJvm.start(EventConditionBarrierTest.class, "partner", event, cond, v, barrier)) {
            c1.awaitLine("READY", 30_000);
            c2.awaitLine("READY", 30_000);
            try (Held held = cond.hold()) {
                event.set();
                assertTrue(cond.awaitFor(() -> v.get() == 1, Duration.ofSeconds(30)), "no signal from a child");
            }
            Set<Integer> first = new TreeSet<>();
            Set<Integer> second = new TreeSet<>();
            first.add(barrier.await(Duration.ofSeconds(30)));
            first.add(Integer.parseInt(c1.awaitLine("INDEX", 30_000)));
            first.add(Integer.parseInt(c2.awaitLine("INDEX", 30_000)));
            second.add(barrier.await(Duration.ofSeconds(30)));
            second.add(Integer.parseInt(c1.awaitLine("INDEX", 30_000)));
            second.add(Integer.parseInt(c2.awaitLine("INDEX", 30_000)));
            assertEquals(Set.of(0, 1, 2), first);
            assertEquals(Set.of(0, 1, 2), second);
            c1.assertSuccess(30_000);
            c2.assertSuccess(30_000);
            event.unlink();
            cond.unlink();
            v.unlink();
            barrier.unlink();
        }
    }

    /** Child: wait for the event until killed. */
    static void awaitEventForever(final Object[] a) {
        System.out.println("WAITING");
        ((Event) a[0]).await();
    }

    @Test
    void anEventWorksOnAfterAWaiterWasKilled() {
        try (Event e = Event.create();
             ChildJvm child = ChildJvm.start(EventConditionBarrierTest.class, "awaitEventForever", e)) {
            child.awaitLine("WAITING", 30_000);
            child.kill();
            e.set();
            assertTrue(e.await(Duration.ofSeconds(1)));
            e.unlink();
        }
    }

    // ---- a waiter that dies ------------------------------------------------------------------

    /** Child: wait on the condition until killed. */
    static void awaitForever(final Object[] a) {
        Condition c = (Condition) a[0];
        try (Held held = c.hold()) {
            System.out.println("WAITING");
            c.await();
        }
    }

    private static void awaitWaiters(final Condition c, final int n) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!c.toString().endsWith("waiters=" + n + ")")) {
            assertTrue(System.currentTimeMillis() < deadline, "never saw " + n + " waiters: " + c);
            sleepQuietly(1);
        }
    }

    @Test
    void aSignalToAKilledWaiterDoesNotWakeAThreadThatWaitsLater() {
        try (Condition c = Condition.create();
             ChildJvm child = ChildJvm.start(EventConditionBarrierTest.class, "awaitForever", c)) {
            child.awaitLine("WAITING", 30_000);
            awaitWaiters(c, 1);
            child.kill();
            try (Held held = c.hold()) {
                c.signal();
                assertFalse(c.await(Duration.ofMillis(300)), "a wait that began after the signal was woken by it");
            }
            c.unlink();
        }
    }

    @Test
    void aSignalGoesToALiveWaiterNotToAKilledOneThatWaitedLonger() throws Exception {
        try (Condition c = Condition.create();
             ChildJvm child = ChildJvm.start(EventConditionBarrierTest.class, "awaitForever", c)) {
            child.awaitLine("WAITING", 30_000);
            awaitWaiters(c, 1);
            child.kill();
            AtomicBoolean woken = new AtomicBoolean();
            Thread live = new Thread(() -> {
                try (Held held = c.hold()) {
                    woken.set(c.await(Duration.ofSeconds(10)));
                }
            });
            live.start();
            awaitWaiters(c, 2);
            long t0 = System.nanoTime();
            try (Held held = c.hold()) {
                c.signal();
            }
            live.join();
            assertTrue(woken.get(), "the only signal went to the dead waiter; the live one timed out after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            c.unlink();
        }
    }

    // ---- a party that dies -------------------------------------------------------------------

    /** Child: say so, then hold the barrier without ever arriving, until killed. */
    static void neverArrive(final Object[] a) throws InterruptedException {
        System.out.println("ATTACHED " + ((Barrier) a[0]).parties());
        Thread.sleep(60_000);
    }

    /** Child: wait at the barrier; print how the wait ended. */
    static void arriveAndReport(final Object[] a) {
        Barrier b = (Barrier) a[0];
        System.out.println("ARRIVING");
        try {
            System.out.println("INDEX " + b.await(Duration.ofSeconds(60)));
        } catch (BrokenBarrierException e) {
            System.out.println("BROKEN " + e.deadPid() + " " + e.getMessage());
        }
    }

    @Test
    void aPartyKilledBeforeArrivingBreaksTheBarrierForTheOthersAtOnceNamingIt() throws Exception {
        try (Barrier b = Barrier.create(3);
             ChildJvm absent = ChildJvm.start(EventConditionBarrierTest.class, "neverArrive", b);
             ChildJvm waiting = ChildJvm.start(EventConditionBarrierTest.class, "arriveAndReport", b)) {
            absent.awaitLine("ATTACHED", 30_000);
            waiting.awaitLine("ARRIVING", 30_000);
            long deadline = System.currentTimeMillis() + 30_000;
            while (b.nWaiting() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            Thread killer = new Thread(() -> {
                sleepQuietly(200);
                absent.kill();
            });
            killer.start();
            long t0 = System.nanoTime();
            BrokenBarrierException e = assertThrows(BrokenBarrierException.class, () -> b.await(Duration.ofSeconds(30)));
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            killer.join();
            assertEquals(absent.pid(), e.deadPid(), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + absent.pid()), e.getMessage());
            assertTrue(waitedMs < 5_000, "the barrier broke " + waitedMs + " ms after the wait began, a party died at 200 ms");
            String other = waiting.awaitLine("BROKEN", 10_000);
            assertTrue(other.startsWith(absent.pid() + " "), "the other waiter was not told who died: " + other);
            waiting.assertSuccess(30_000);
            BrokenBarrierException later = assertThrows(BrokenBarrierException.class, b::await);
            assertTrue(later.getMessage().contains("pid " + absent.pid()), later.getMessage());
            b.unlink();
        }
    }

    @Test
    void aWaitingPartyThatIsKilledBreaksTheBarrierForTheNextArrival() {
        try (Barrier b = Barrier.create(3);
             ChildJvm waiting = ChildJvm.start(EventConditionBarrierTest.class, "arriveAndReport", b)) {
            waiting.awaitLine("ARRIVING", 30_000);
            long deadline = System.currentTimeMillis() + 30_000;
            while (b.nWaiting() < 1 && System.currentTimeMillis() < deadline) {
                sleepQuietly(1);
            }
            waiting.kill();
            long t0 = System.nanoTime();
            BrokenBarrierException e = assertThrows(BrokenBarrierException.class, () -> b.await(Duration.ofSeconds(30)));
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(waiting.pid(), e.deadPid(), e.getMessage());
            assertTrue(waitedMs < 5_000, "the barrier broke only after " + waitedMs + " ms");
            b.unlink();
        }
    }

    /** Child: meet the parent once at the barrier, then exit normally. */
    static void meetOnce(final Object[] a) {
        System.out.println("INDEX " + ((Barrier) a[0]).await(Duration.ofSeconds(30)));
    }

    @Test
    void partiesThatExitedNormallyDoNotBreakTheBarrierForNewOnes() {
        try (Barrier b = Barrier.create(2)) {
            for (int round = 0; round < 2; round++) {
                try (ChildJvm child = ChildJvm.start(EventConditionBarrierTest.class, "meetOnce", b)) {
                    b.await(Duration.ofSeconds(30));
                    child.awaitLine("INDEX", 30_000);
                    child.assertSuccess(30_000);
                }
            }
            assertFalse(b.isBroken(), b.toString());
            b.unlink();
        }
    }

    private static void sleepQuietly(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
