package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.ProcessInfo;

/** Worker deaths, replacement, interrupts, ending, initializer, timeline and progress. */
class PoolLifecycleTest {

    static int sleepMs(final int ms) throws InterruptedException {
        Thread.sleep(ms);
        return ms;
    }

    static int exitOnThree(final int x) {
        if (x == 3) {
            System.exit(7);
        }
        return x;
    }

    @Test
    void aKilledWorkerFailsItsCallWithinASecondAndIsReplaced() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pool pool = new Pool(2)) {
                List<Long> before = pool.workers().stream().map(ProcessInfo::pid).toList();
                long victim = before.get(0);
                long[] killedAt = new long[1];
                Thread killer = new Thread(() -> {
                    try {
                        Thread.sleep(400);
                    } catch (InterruptedException e) {
                        return;
                    }
                    killedAt[0] = System.nanoTime();
                    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                });
                killer.start();
                WorkerDiedException e = assertThrows(WorkerDiedException.class,
                        () -> pool.map(PoolLifecycleTest::sleepMs, List.of(300, 300, 300, 300, 300, 300, 300, 300), 1));
                long tookMs = (System.nanoTime() - killedAt[0]) / 1_000_000;
                assertTrue(tookMs < 1000, "failed " + tookMs + " ms after the kill");
                assertTrue(e.getMessage().contains("pid " + victim) && e.getMessage().contains("SIGKILL")
                        && e.getMessage().contains("PoolWorker-"), e.getMessage());
                assertEquals(-9, e.exitCode());
                assertEquals(victim, e.workerPid());
                // Usable at once; the replacement joins when it is ready.
                assertEquals(List.of(2, 4, 6), pool.map(x -> 2 * x, List.of(1, 2, 3)));
                long end = System.nanoTime() + 20_000_000_000L;
                while (pool.workers().size() < 2 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                List<Long> after = pool.workers().stream().map(ProcessInfo::pid).toList();
                assertEquals(2, after.size());
                assertFalse(after.contains(victim));
            }
        });
    }

    @Test
    void systemExitInATaskFailsTheCallNamingTheExitCode() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pool pool = new Pool(1)) {
                WorkerDiedException e = assertThrows(WorkerDiedException.class,
                        () -> pool.map(PoolLifecycleTest::exitOnThree, List.of(1, 2, 3, 4), 1));
                assertTrue(e.getMessage().contains("exited with code 7"), e.getMessage());
                assertEquals(7, e.exitCode());
                assertEquals(List.of(1, 2), pool.map(x -> x, List.of(1, 2)));
            }
        });
    }

    @Test
    void maxTasksPerChildReplacesWorkers() {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            List<Long> all;
            try (Pool pool = new Pool(1, null, 2)) {
                List<Long> pids = pool.map(x -> ProcessHandle.current().pid(), List.of(1, 2, 3, 4, 5, 6), 1);
                assertEquals(6, pids.size());
                Set<Long> distinct = new HashSet<>(pids);
                assertEquals(3, distinct.size(), "2 chunks per worker: " + pids);
                assertEquals(pids.get(0), pids.get(1));
                assertEquals(pids.get(2), pids.get(3));
                all = pool.allWorkerPids();
            }
            PoolTest.assertNoneAlive(all);
        });
    }

    @Test
    void anInterruptDuringMapReturnsBeforeTheTasksEndAndThePoolStaysUsable() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pool pool = new Pool(2)) {
                List<Long> before = pool.workers().stream().map(ProcessInfo::pid).toList();
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                boolean[] flag = new boolean[1];
                Thread cell = new Thread(() -> {
                    try {
                        pool.map(PoolLifecycleTest::sleepMs, List.of(5000, 5000, 5000, 5000, 5000), 1);
                    } catch (Throwable e) {
                        thrown.set(e);
                        flag[0] = Thread.currentThread().isInterrupted();
                    }
                });
                cell.start();
                Thread.sleep(500);
                long t0 = System.nanoTime();
                cell.interrupt();
                cell.join(5000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertFalse(cell.isAlive());
                // Well under the 5 s the tasks sleep: the map did not wait for them. (It takes
                // milliseconds; a tighter bound flaked on a machine at load 40.)
                assertTrue(ms < 3000, "returned after " + ms + " ms");
                assertTrue(thrown.get() instanceof PoolInterruptedException, String.valueOf(thrown.get()));
                assertTrue(flag[0], "interrupt flag kept");
                // The busy workers were killed and are replaced; the pool works on.
                assertEquals(List.of(1, 4), pool.map(x -> x * x, List.of(1, 2)));
                for (long pid : before) {
                    long end = System.nanoTime() + 2_000_000_000L;
                    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
                        Thread.sleep(10);
                    }
                    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                }
            }
        });
    }

    @Test
    void anInterruptDuringStartStopsTheWorkers() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Thread.currentThread().interrupt();
            try {
                long t0 = System.nanoTime();
                assertThrows(PoolInterruptedException.class, () -> new Pool(1, () -> Thread.sleep(60_000)));
                assertTrue(Thread.currentThread().isInterrupted());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 3000, "took " + ms + " ms");
            } finally {
                Thread.interrupted();
            }
        });
    }

    @Test
    void closeWaitsForSubmittedWorkAndLeavesNoWorker() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Pool pool = new Pool(2);
            AsyncResult<List<Integer>> r = pool.mapAsync(PoolLifecycleTest::sleepMs, List.of(300, 300, 300), 1);
            List<Long> pids = pool.allWorkerPids();
            pool.close();
            assertTrue(r.ready() && r.successful());
            assertEquals(List.of(300, 300, 300), r.get());
            pool.join();
            PoolTest.assertNoneAlive(pids);
            assertThrows(IllegalStateException.class, () -> pool.map(x -> x, List.of(1)));
        });
    }

    @Test
    void terminateStopsAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Pool pool = new Pool(2);
            assertThrows(IllegalStateException.class, pool::join);
            AsyncResult<List<Integer>> r = pool.mapAsync(PoolLifecycleTest::sleepMs, List.of(20_000, 20_000), 1);
            List<Long> pids = pool.allWorkerPids();
            long t0 = System.nanoTime();
            pool.terminate();
            pool.join();
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000);
            assertTrue(r.ready());
            assertFalse(r.successful());
            assertThrows(PoolException.class, r::get);
            PoolTest.assertNoneAlive(pids);
        });
    }

    @Test
    void initializerRunsInEveryWorkerAndItsFailureIsReported() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pool pool = new Pool(2, () -> System.setProperty("pool.init", "yes " + ProcessHandle.current().pid()))) {
                List<String> seen = pool.map(x -> System.getProperty("pool.init"), List.of(1, 2, 3, 4), 1);
                for (String s : seen) {
                    assertNotNull(s);
                    assertTrue(s.startsWith("yes "), s);
                }
            }
            PoolException e = assertThrows(PoolException.class, () -> new Pool(1, () -> {
                throw new IllegalStateException("no database");
            }));
            assertTrue(e.getMessage().contains("initializer") && e.getMessage().contains("no database"), e.getMessage());
            assertTrue(e.getCause() instanceof RemoteException);
        });
    }

    @Test
    void timelineAndRateLimitedProgress() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<int[]> updates = new CopyOnWriteArrayList<>();
            List<String> ends = new CopyOnWriteArrayList<>();
            Pool.setProgressListenerFactory((poolName, call, total) -> new ProgressListener() {
                @Override
                public void update(final int done, final int total2) {
                    updates.add(new int[] {done, total2});
                }

                @Override
                public void finished(final int done, final int total2, final boolean ok) {
                    ends.add(call + " " + done + "/" + total2 + " " + ok);
                }
            });
            try (Pool pool = new Pool(2)) {
                pool.map(PoolLifecycleTest::sleepMs, new ArrayList<>(java.util.Collections.nCopies(40, 25)), 1);
                assertEquals(List.of("map 40/40 true"), ends);
                assertTrue(updates.size() >= 2 && updates.size() <= 12, "a few updates, not 40: " + updates.size());
                assertEquals(40, updates.get(updates.size() - 1)[0]);
                List<TimelineEntry> t = pool.timeline();
                assertEquals(40, t.size());
                Set<String> workers = new HashSet<>();
                for (TimelineEntry e : t) {
                    workers.add(e.worker() + "/" + e.pid());
                    assertTrue(!e.end().isBefore(e.start()));
                    assertTrue(!e.startOffset().isNegative());
                    assertTrue(e.endOffset().toMillis() >= 25 || e.endOffset().compareTo(e.startOffset()) >= 0);
                    assertEquals("map", e.call());
                    assertEquals(1, e.items());
                }
                assertEquals(2, workers.size(), workers.toString());
            } finally {
                Pool.setProgressListenerFactory(null);
            }
        });
    }
}
