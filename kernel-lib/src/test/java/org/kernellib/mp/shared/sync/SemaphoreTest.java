package org.kernellib.mp.shared.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.ChildJvm;
import org.kernellib.mp.shared.testing.Serial;

/** What happens to a semaphore's permits when a process that holds them dies. */
class SemaphoreTest {

    /** Child: take {@code args[1]} permits, report, then hold them until killed. */
    static void holdPermits(final Object[] args) throws InterruptedException {
        Semaphore sem = (Semaphore) args[0];
        int n = (Integer) args[1];
        for (int i = 0; i < n; i++) {
            sem.acquire();
        }
        System.out.println("HELD");
        Thread.sleep(60_000);
    }

    @Test
    void permitOfAKilledHolderGoesToTheNextAcquirerWhichIsTold() {
        try (BoundedSemaphore sem = BoundedSemaphore.create(1);
             ChildJvm child = ChildJvm.start(SemaphoreTest.class, "holdPermits", sem, 1)) {
            child.awaitLine("HELD", 30_000);
            assertFalse(sem.tryAcquire(50, TimeUnit.MILLISECONDS), "got a permit its live holder has");
            child.kill();
            assertTrue(sem.tryAcquire(1, TimeUnit.SECONDS), "dead holder's permit not given back within 1 s: " + sem);
            assertTrue(sem.previousOwnerDied());
            sem.release();
            assertEquals(1, sem.getValue(), "exactly the one permit must be back");
            try (Held permit = sem.hold()) {
                assertFalse(permit.previousOwnerDied(), "a normal acquire after recovery must not report a death");
            }
            sem.unlink();
        }
    }

    /** Child: two threads take a permit each (one of them a second, given back by the other), then hold until killed. */
    static void holdPermitsFromThreads(final Object[] args) throws InterruptedException {
        Semaphore sem = (Semaphore) args[0];
        Thread a = new Thread(() -> {
            sem.acquire();
            sem.acquire();
        });
        a.start();
        a.join();
        Thread b = new Thread(() -> {
            sem.release(); // a permit its sibling took: not a hand-off between processes
            sem.acquire();
        });
        b.start();
        b.join();
        System.out.println("HELD " + sem);
        Thread.sleep(60_000);
    }

    @Test
    void permitsTakenBySeveralThreadsOfAKilledProcessAllComeBack() {
        try (Semaphore sem = Semaphore.create(2);
             ChildJvm child = ChildJvm.start(SemaphoreTest.class, "holdPermitsFromThreads", sem)) {
            String said = child.awaitLine("HELD", 30_000);
            assertFalse(said.contains("not given back"), "a release of a sibling thread's permit counted as a hand-off: " + said);
            assertEquals(0, sem.getValue());
            child.kill();
            assertTrue(sem.tryAcquire(1, TimeUnit.SECONDS), "the killed process's permits were not given back: " + sem);
            assertTrue(sem.tryAcquire(1, TimeUnit.SECONDS), "only one of the killed process's two permits came back: " + sem);
            sem.release();
            sem.release();
            assertEquals(2, sem.getValue());
            sem.unlink();
        }
    }

    @Test
    void onlyTheDeadHoldersPermitsComeBack() {
        try (Semaphore sem = Semaphore.create(3);
             ChildJvm dying = ChildJvm.start(SemaphoreTest.class, "holdPermits", sem, 2);
             ChildJvm living = ChildJvm.start(SemaphoreTest.class, "holdPermits", sem, 1)) {
            dying.awaitLine("HELD", 30_000);
            living.awaitLine("HELD", 30_000);
            assertEquals(0, sem.getValue());
            dying.kill();
            assertTrue(sem.tryAcquire(1, TimeUnit.SECONDS), "dead holder's permits not given back: " + sem);
            assertTrue(sem.tryAcquire(1, TimeUnit.SECONDS), "only one of the dead holder's two permits came back: " + sem);
            assertFalse(sem.tryAcquire(200, TimeUnit.MILLISECONDS), "the live holder's permit was taken from it");
            sem.release();
            sem.release();
            assertEquals(2, sem.getValue());
            sem.unlink();
        }
    }

    @Test
    void pollingWithTryAcquireAlsoGetsADeadHoldersPermit() throws InterruptedException {
        try (Semaphore sem = Semaphore.create(1);
             ChildJvm child = ChildJvm.start(SemaphoreTest.class, "holdPermits", sem, 1)) {
            child.awaitLine("HELD", 30_000);
            child.kill();
            boolean got = false;
            for (int i = 0; i < 100 && !got; i++) {
                got = sem.tryAcquire();
                if (!got) {
                    Thread.sleep(10);
                }
            }
            assertTrue(got, "tryAcquire() never got the dead holder's permit: " + sem);
            assertTrue(sem.previousOwnerDied());
            sem.release();
            sem.unlink();
        }
    }

    @Test
    void aSemaphoreThatCountsItemsNeverInventsOneForADeadConsumer() {
        // Created with 0 and released by a producer that took nothing: permits stand for items,
        // and a consumer that died had consumed its item. Giving it back would invent an item.
        try (Semaphore items = Semaphore.create(0)) {
            items.release();
            assertTrue(items.toString().contains("not given back"), items.toString());
            try (ChildJvm consumer = ChildJvm.start(SemaphoreTest.class, "holdPermits", items, 1)) {
                consumer.awaitLine("HELD", 30_000);
                consumer.kill();
                assertFalse(items.tryAcquire(300, TimeUnit.MILLISECONDS), "a dead consumer's item came back: " + items);
            }
            items.unlink();
        }
    }

    @Test
    void handlesOfOneSemaphoreInOneProcessCountIntoOneHolder() {
        try (Semaphore sem = Semaphore.create(2)) {
            Semaphore copy = Serial.roundTrip(sem);
            sem.acquire();
            copy.release();
            copy.acquire();
            sem.release();
            assertFalse(sem.toString().contains("not given back"), "a release through a second handle of the"
                    + " acquiring process counted as a hand-off: " + sem);
            assertEquals(2, sem.getValue());
            copy.close();
            sem.unlink();
        }
    }

    /** A process token as ProcessIdentity makes it: pid, and the low 32 bits of its start millis. */
    private static long tokenOf(final ProcessHandle h) {
        long start = h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return (h.pid() << 32) | ((start == 0 ? 1 : start) & 0xFFFF_FFFFL);
    }

    private static void fillHolderTable(final Semaphore sem, final long token) {
        for (int i = 0; i < SemLockDescriptor.HOLDER_SLOTS; i++) {
            sem.file().setLongVolatile(SemLockDescriptor.holderOffset(i), token);
        }
    }

    @Test
    void aFullTableOfLiveHoldersSwitchesRecoveryOffAndSaysSo() throws Exception {
        Process other = new ProcessBuilder("sleep", "30").start();
        try (Semaphore sem = Semaphore.create(1)) {
            fillHolderTable(sem, tokenOf(other.toHandle()));
            assertTrue(sem.tryAcquire(), "a full holder table must not stop the semaphore from working");
            assertTrue(sem.toString().contains("more than " + SemLockDescriptor.HOLDER_SLOTS + " processes"),
                    sem.toString());
            sem.release();
            assertEquals(1, sem.getValue());
            sem.unlink();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void slotsOfDeadHoldersAreReusedWhenTheTableIsFull() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        long token = tokenOf(gone.toHandle());
        gone.waitFor(10, TimeUnit.SECONDS);
        try (Semaphore sem = Semaphore.create(1)) {
            fillHolderTable(sem, token);
            assertTrue(sem.tryAcquire());
            sem.release();
            assertFalse(sem.toString().contains("not given back"), sem.toString());
            sem.unlink();
        }
    }
}
