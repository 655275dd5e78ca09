package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A worker that is stopped (SIGSTOP) or runs past the task timeout is killed and replaced, the
 * calls it held fail naming it, its pid and why, and close() does not hang on it; a merely slow
 * worker without a timeout is waited for.
 */
class PoolFrozenWorkerTest {

    private static void signal(final String sig, final long pid) throws Exception {
        java.lang.Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + sig + " " + pid);
    }

    /** Kills a worker this test stopped, should the pool not have (so a failed run leaves no stopped JVM). */
    private static void killQuietly(final long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static long onlyWorker(final Pool pool) {
        assertEquals(1, pool.workers().size());
        return pool.workers().get(0).pid();
    }

    @Test
    void aStoppedWorkerFailsItsCallNamingItAndIsReplaced() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Pool pool = new Pool(1);
            List<Long> pids;
            try {
                long pid = onlyWorker(pool);
                AsyncResult<List<Integer>> r = pool.mapAsync(PoolTest::sleepThenSquare, List.of(20_000));
                Thread.sleep(300); // the chunk is running
                signal("STOP", pid);
                long t0 = System.nanoTime();
                WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> r.get(Duration.ofSeconds(15)));
                double waited = (System.nanoTime() - t0) / 1e9;
                assertTrue(waited < 5, "noticed after " + waited + " s");
                assertTrue(e.getMessage().contains("(pid " + pid + ")"), e.getMessage());
                assertTrue(e.getMessage().contains("was stopped"), e.getMessage());
                assertEquals(List.of(4, 9), pool.map(x -> x * x, List.of(2, 3)), "a replacement took over");
                assertFalse(pool.workers().get(0).pid() == pid);
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the stopped worker was killed");
            } finally {
                pids = pool.allWorkerPids();
                pids.forEach(PoolFrozenWorkerTest::killQuietly);
                pool.terminate();
            }
            PoolTest.assertNoneAlive(pids);
        });
    }

    @Test
    void anIdleStoppedWorkerIsReplacedAndCloseDoesNotHang() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Pool pool = new Pool(1);
            try {
                long pid = onlyWorker(pool);
                signal("STOP", pid);
                long end = System.nanoTime() + 10_000_000_000L;
                while (pool.workers().isEmpty() || pool.workers().get(0).pid() == pid) {
                    assertTrue(System.nanoTime() < end, "the stopped worker was not replaced within 10 s");
                    Thread.sleep(50);
                }
                assertEquals(List.of(1, 2), pool.map(x -> x, List.of(1, 2)));
                signal("STOP", pool.workers().get(0).pid());
                List<Long> pids = pool.allWorkerPids();
                pool.close();
                pool.join();
                PoolTest.assertNoneAlive(pids);
            } finally {
                pool.allWorkerPids().forEach(PoolFrozenWorkerTest::killQuietly);
                pool.terminate();
            }
        });
    }

    @Test
    void aChunkTooLargeForTheStdinPipeOfAStoppedWorkerGoesToItsReplacement() {
        // Handing the chunk out blocks, under the pool's lock, on the stopped worker's full stdin
        // pipe: the watch must kill the worker without waiting for that lock.
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Pool pool = new Pool(1);
            try {
                long pid = onlyWorker(pool);
                signal("STOP", pid);
                byte[] item = new byte[4 << 20];
                item[item.length - 1] = 7;
                assertEquals(List.of(7), pool.map(b -> (int) b[b.length - 1], List.of(item)));
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the stopped worker was killed");
                assertTrue(pool.workers().get(0).pid() != pid, "and replaced");
                pool.close();
            } finally {
                pool.allWorkerPids().forEach(PoolFrozenWorkerTest::killQuietly);
                pool.terminate();
            }
        });
    }

    @Test
    void aChunkOverTheTaskTimeoutFailsItsCallAndASlowOneWithoutIsWaitedFor() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Pool limited = Pool.builder().processes(1).taskTimeout(Duration.ofMillis(700)).build()) {
                long pid = onlyWorker(limited);
                WorkerDiedException e = assertThrows(WorkerDiedException.class,
                        () -> limited.map(PoolTest::sleepThenSquare, List.of(1, 30_000)));
                assertTrue(e.getMessage().contains("(pid " + pid + ")"), e.getMessage());
                assertTrue(e.getMessage().contains("task timeout of 700 ms"), e.getMessage());
                assertEquals(List.of(100), limited.map(PoolTest::sleepThenSquare, List.of(10)), "replaced");
            }
            try (Pool patient = new Pool(1)) {
                // Slower than the stopped-worker limit, and no timeout: the call just takes long.
                assertEquals(List.of(2500 * 2500), patient.map(PoolTest::sleepThenSquare, List.of(2500)));
            }
            assertThrows(IllegalArgumentException.class, () -> Pool.builder().taskTimeout(Duration.ofSeconds(-1)));
        });
    }
}
