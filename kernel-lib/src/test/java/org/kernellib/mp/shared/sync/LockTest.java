package org.kernellib.mp.shared.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.Serial;

class LockTest {

    @Test
    void lockExcludesOtherThreadsAndTimesOut() throws Exception {
        try (Lock lock = Lock.create()) {
            assertTrue(lock.tryAcquire());
            AtomicBoolean got = new AtomicBoolean(true);
            long[] waited = new long[1];
            Thread t = new Thread(() -> {
                long t0 = System.nanoTime();
                got.set(lock.tryAcquire(100, TimeUnit.MILLISECONDS));
                waited[0] = System.nanoTime() - t0;
            });
            t.start();
            t.join();
            assertFalse(got.get(), "another thread acquired a held Lock");
            assertTrue(waited[0] >= TimeUnit.MILLISECONDS.toNanos(100), "gave up early: " + waited[0] + " ns");
            lock.release();
            assertFalse(lock.isLocked());
            lock.unlink();
        }
    }

    @Test
    void aWaiterSleepsInsteadOfBurningACore() throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isCurrentThreadCpuTimeSupported());
        try (Lock lock = Lock.create()) {
            lock.acquire();
            long[] cpu = new long[1];
            Thread t = new Thread(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                lock.tryAcquire(500, TimeUnit.MILLISECONDS);
                cpu[0] = mx.getCurrentThreadCpuTime() - c0;
            });
            t.start();
            t.join();
            // Spinning for the whole wait would cost ~500 ms of CPU; parking costs a few ms.
            assertTrue(cpu[0] < 100_000_000L, "waiting 500 ms used " + cpu[0] / 1_000_000 + " ms of CPU");
            lock.release();
            lock.unlink();
        }
    }

    @Test
    void waitingThreadGetsTheLockAfterRelease() throws Exception {
        try (Lock lock = Lock.create()) {
            lock.acquire();
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean got = new AtomicBoolean();
            Thread t = new Thread(() -> {
                started.countDown();
                got.set(lock.tryAcquire(5, TimeUnit.SECONDS));
            });
            t.start();
            started.await();
            Thread.sleep(20);
            lock.release();
            t.join();
            assertTrue(got.get());
            assertTrue(lock.isLocked());
            lock.unlink();
        }
    }

    @Test
    void releasingAnUnheldLockSaysSo() {
        try (Lock lock = Lock.create(); RLock rlock = RLock.create()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
            assertTrue(e.getMessage().contains("not held"), e.getMessage());
            e = assertThrows(IllegalStateException.class, rlock::release);
            assertTrue(e.getMessage().contains("not held"), e.getMessage());
            lock.unlink();
            rlock.unlink();
        }
    }

    @Test
    void reacquiringANonReentrantLockFailsInsteadOfDeadlocking() {
        try (Lock lock = Lock.create()) {
            lock.acquire();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lock.tryAcquire(1, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("RLock"), e.getMessage());
            lock.release();
            lock.unlink();
        }
    }

    @Test
    void rlockIsReentrantAndOnlyTheOwnerReleases() throws Exception {
        try (RLock lock = RLock.create()) {
            lock.acquire();
            lock.acquire();
            assertEquals(2, lock.getHoldCount());
            IllegalStateException[] err = new IllegalStateException[1];
            Thread t = new Thread(() -> {
                try {
                    lock.release();
                } catch (IllegalStateException e) {
                    err[0] = e;
                }
            });
            t.start();
            t.join();
            assertTrue(err[0] != null && err[0].getMessage().contains("only the owning thread"), String.valueOf(err[0]));
            lock.release();
            assertTrue(lock.isLocked());
            lock.release();
            assertFalse(lock.isLocked());
            lock.unlink();
        }
    }

    @Test
    void holdReleasesOnClose() {
        try (Lock lock = Lock.create()) {
            try (Held held = lock.hold()) {
                assertTrue(lock.isLocked());
                assertFalse(held.previousOwnerDied());
            }
            assertFalse(lock.isLocked());
            lock.unlink();
        }
    }

    @Test
    void deserializedHandleSharesTheSameMemory() {
        try (Lock lock = Lock.create()) {
            Lock copy = Serial.roundTrip(lock);
            assertTrue(copy != lock);
            assertEquals(lock.path(), copy.path());
            assertFalse(copy.isCreator());
            lock.acquire();
            assertTrue(copy.isLocked());
            assertFalse(copy.tryAcquire());
            lock.release();
            assertTrue(copy.tryAcquire());
            copy.release();
            assertThrows(IllegalStateException.class, copy::unlink);
            copy.close();
            lock.unlink();
        }
    }

    @Test
    void semaphoreCountsAndBoundedSemaphoreRefusesExtraRelease() {
        try (Semaphore s = Semaphore.create(2); BoundedSemaphore b = BoundedSemaphore.create(1)) {
            assertTrue(s.tryAcquire());
            assertTrue(s.tryAcquire());
            assertFalse(s.tryAcquire(10, TimeUnit.MILLISECONDS));
            s.release();
            s.release();
            s.release();
            assertEquals(3, s.getValue());
            IllegalStateException e = assertThrows(IllegalStateException.class, b::release);
            assertTrue(e.getMessage().contains("released too many times"), e.getMessage());
            assertTrue(b.tryAcquire());
            b.release();
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Semaphore.create(-1));
            assertTrue(bad.getMessage().contains("-1"), bad.getMessage());
            s.unlink();
            b.unlink();
        }
    }

    @Test
    void threadsOfOneProcessLoseNoUpdateUnderTheLockAndSemaphoreBoundsConcurrency() throws Exception {
        try (Lock lock = Lock.create(); Semaphore sem = Semaphore.create(2);
             org.kernellib.mp.shared.RawIntValue v = org.kernellib.mp.shared.SharedState.rawIntValue(0);
             org.kernellib.mp.shared.RawIntValue inside = org.kernellib.mp.shared.SharedState.rawIntValue(0);
             org.kernellib.mp.shared.RawIntValue maxInside = org.kernellib.mp.shared.SharedState.rawIntValue(0)) {
            int threads = 4;
            int n = 100_000;
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    for (int i = 0; i < n; i++) {
                        try (Held held = lock.hold()) {
                            v.set(v.get() + 1);
                        }
                        if (i % 1000 == 0) {
                            try (Held permit = sem.hold()) {
                                int now = inside.incrementAndGet();
                                int max;
                                while ((max = maxInside.get()) < now && !maxInside.compareAndSet(max, now)) {
                                    Thread.onSpinWait();
                                }
                                Thread.yield();
                                inside.decrementAndGet();
                            }
                        }
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(threads * n, v.get());
            assertTrue(maxInside.get() >= 1 && maxInside.get() <= 2, "semaphore let " + maxInside.get() + " in at once");
            assertEquals(2, sem.getValue());
            lock.unlink();
            sem.unlink();
            v.unlink();
            inside.unlink();
            maxInside.unlink();
        }
    }

    // ---- across processes -------------------------------------------------------------------

    /** Child: acquire, report, then hold until killed. */
    static void holdForever(final Object[] args) throws InterruptedException {
        SemLock lock = (SemLock) args[0];
        lock.acquire();
        if (lock instanceof RLock) {
            lock.acquire();
        }
        System.out.println("HELD");
        Thread.sleep(60_000);
    }

    /** Child: acquire and exit without releasing. */
    static void acquireAndExit(final Object[] args) {
        ((SemLock) args[0]).acquire();
        System.out.println("HELD");
        System.exit(0);
    }

    /** Child: 300 times take a permit, count how many are inside, record the maximum. */
    static void crowd(final Object[] a) {
        Semaphore sem = (Semaphore) a[0];
        org.kernellib.mp.shared.RawIntValue inside = (org.kernellib.mp.shared.RawIntValue) a[1];
        org.kernellib.mp.shared.RawIntValue max = (org.kernellib.mp.shared.RawIntValue) a[2];
        for (int i = 0; i < 300; i++) {
            try (Held permit = sem.hold()) {
                int now = inside.incrementAndGet();
                int m;
                while ((m = max.get()) < now && !max.compareAndSet(m, now)) {
                    Thread.onSpinWait();
                }
                for (int k = 0; k < 2000; k++) {
                    Thread.onSpinWait();
                }
                inside.decrementAndGet();
            }
        }
    }

    @Test
    void semaphoreBoundsConcurrencyAcrossProcesses() {
        try (BoundedSemaphore sem = BoundedSemaphore.create(2);
             org.kernellib.mp.shared.RawIntValue inside = org.kernellib.mp.shared.SharedState.rawIntValue(0);
             org.kernellib.mp.shared.RawIntValue max = org.kernellib.mp.shared.SharedState.rawIntValue(0);
             ChildJvm a = ChildJvm.start(LockTest.class, "crowd", sem, inside, max);
             ChildJvm b = ChildJvm.start(LockTest.class, "crowd", sem, inside, max);
             ChildJvm c = ChildJvm.start(LockTest.class, "crowd", sem, inside, max)) {
            a.assertSuccess(60_000);
            b.assertSuccess(60_000);
            c.assertSuccess(60_000);
            assertTrue(max.get() >= 1 && max.get() <= 2, "a 2-permit semaphore let " + max.get() + " processes in at once");
            assertEquals(0, inside.get());
            assertEquals(2, sem.getValue(), "every permit must be back");
            sem.unlink();
            inside.unlink();
            max.unlink();
        }
    }

    @Test
    void lockOfAKilledOwnerIsRecoveredWithinASecondAndReported() {
        try (Lock lock = Lock.create(); ChildJvm child = ChildJvm.start(LockTest.class, "holdForever", lock)) {
            child.awaitLine("HELD", 30_000);
            assertFalse(lock.tryAcquire(50, TimeUnit.MILLISECONDS), "got a lock its live owner holds");
            child.kill();
            assertTrue(lock.tryAcquire(1, TimeUnit.SECONDS), "dead owner's lock not recovered within 1 s: " + lock);
            assertTrue(lock.previousOwnerDied());
            lock.release();
            assertTrue(lock.tryAcquire());
            assertFalse(lock.previousOwnerDied(), "a normal acquire after recovery must not report a death");
            lock.release();
            lock.unlink();
        }
    }

    @Test
    void pollingWithTryAcquireAlsoRecoversADeadOwnersLock() throws InterruptedException {
        try (Lock lock = Lock.create(); ChildJvm child = ChildJvm.start(LockTest.class, "holdForever", lock)) {
            child.awaitLine("HELD", 30_000);
            child.kill();
            boolean got = false;
            for (int i = 0; i < 100 && !got; i++) {
                got = lock.tryAcquire();
                if (!got) {
                    Thread.sleep(10);
                }
            }
            assertTrue(got, "tryAcquire() never took over the dead owner's lock");
            assertTrue(lock.previousOwnerDied());
            lock.release();
            lock.unlink();
        }
    }

    @Test
    void rlockOfAnOwnerThatExitedIsRecovered() {
        try (RLock lock = RLock.create(); ChildJvm child = ChildJvm.start(LockTest.class, "acquireAndExit", lock)) {
            child.awaitLine("HELD", 30_000);
            child.assertSuccess(30_000);
            try (Held held = lock.hold()) {
                assertTrue(held.previousOwnerDied());
                assertEquals(1, lock.getHoldCount());
            }
            assertFalse(lock.isLocked());
            lock.unlink();
        }
    }
}
