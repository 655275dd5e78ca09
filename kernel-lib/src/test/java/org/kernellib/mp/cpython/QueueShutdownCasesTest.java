package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.Task;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.EmptyException;
import org.kernellib.mp.shared.queue.JoinableQueue;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.queue.ShutDownException;
import org.kernellib.mp.shared.sync.Barrier;
import org.kernellib.mp.shared.sync.Event;

/**
 * Python 3.13's shutdown cases of {@code queue.Queue} ({@code Lib/test/test_queue.py},
 * {@code BaseQueueTestMixin.test_shutdown_*}), with the Java names, on the shared-memory queue,
 * and with processes where CPython uses threads. Each test names the case it ports.
 * {@code queue.ShutDown} is {@link ShutDownException}; {@code queue.Queue}'s {@code task_done} and
 * {@code join} are a {@link JoinableQueue}'s, so the cases that use them take one; Python's
 * {@code ValueError} from {@code task_done} is {@link IllegalStateException}. What a thread
 * appended to a list, a process puts into a results queue.
 *
 * <p>One difference, shown in {@link #testShutdownImmediateAllMethodsInManyProcesses()}: CPython
 * checks {@code qsize() == 0} right after {@code shutdown(immediate=True)} while writers are
 * putting; here a writer that the shutdown turned away uncounts its item a few instructions after
 * giving its ring space up, so {@code qsize()} is checked once the writers have ended.
 */
class QueueShutdownCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    private static Process start(final Task task) {
        Process p = new Process(task).daemon(true);
        p.start();
        return p;
    }

    private static void joinAll(final List<Process> ps) {
        for (Process p : ps) {
            assertTrue(p.join(LONG), p + " did not end");
            assertEquals(0, p.exitCode().orElse(-1), p + " failed");
        }
    }

    /**
     * CPython's {@code _get}, {@code _put} and {@code _get_task_done}: a process that waits for
     * {@code go}, runs {@code op}, and puts into {@code results} whether it ended as expected
     * (with {@link ShutDownException} when {@code expectShutDown}, else without).
     */
    private static Process afterGo(final Event go, final Queue<Boolean> results, final boolean expectShutDown,
            final Task op) {
        return start(() -> {
            go.await();
            try {
                op.run();
                results.put(!expectShutDown);
            } catch (ShutDownException e) {
                results.put(expectShutDown);
            }
        });
    }

    /** CPython's {@code type2test(2)} with "Y" and "D" put: full. */
    private static Queue<String> fullQueueOfTwo() {
        Queue<String> q = SharedState.queue(2);
        q.put("Y");
        q.put("D");
        return q;
    }

    /** What the processes put into {@code results}, sorted (false before true). */
    private static List<Boolean> drain(final Queue<Boolean> results) {
        List<Boolean> all = new ArrayList<>();
        while (!results.empty()) {
            all.add(results.get(LONG));
        }
        Collections.sort(all);
        return all;
    }

    // ---- test_shutdown_empty, test_shutdown_nonempty, test_shutdown_immediate ----------------

    @Test
    void testShutdownEmpty() {
        Queue<String> q = SharedState.queue();
        q.shutdown();
        assertThrows(ShutDownException.class, () -> q.put("data"));
        assertThrows(ShutDownException.class, q::get);
    }

    @Test
    void testShutdownNonempty() {
        Queue<String> q = SharedState.queue();
        q.put("data");
        q.shutdown();
        q.get();
        assertThrows(ShutDownException.class, q::get);
    }

    @Test
    void testShutdownImmediate() {
        Queue<String> q = SharedState.queue();
        q.put("data");
        q.shutdown(true);
        assertThrows(ShutDownException.class, q::get);
    }

    // ---- test_shutdown_allowed_transitions ---------------------------------------------------

    @Test
    void testShutdownAllowedTransitions() {
        Queue<String> q = SharedState.queue();
        assertFalse(q.isShutdown());
        q.shutdown();
        assertTrue(q.isShutdown());
        q.shutdown(true);
        assertTrue(q.isShutdown());
        q.shutdown(false);
        assertTrue(q.isShutdown());
    }

    // ---- test_shutdown_all_methods_in_one_thread, ..._immediate_... ----------------------------

    @Test
    void testShutdownAllMethodsInOneProcess() {
        shutdownAllMethodsInOneProcess(false);
    }

    @Test
    void testShutdownImmediateAllMethodsInOneProcess() {
        shutdownAllMethodsInOneProcess(true);
    }

    private static void shutdownAllMethodsInOneProcess(final boolean immediate) {
        JoinableQueue<String> q = SharedState.joinableQueue(2);
        q.put("L");
        q.putNowait("O");
        q.shutdown(immediate);

        assertThrows(ShutDownException.class, () -> q.put("E"));
        assertThrows(ShutDownException.class, () -> q.putNowait("W"));
        if (immediate) {
            assertThrows(ShutDownException.class, q::get);
            assertThrows(ShutDownException.class, q::getNowait);
            assertThrows(IllegalStateException.class, q::taskDone);
            assertTrue(q.join(LONG));
        } else {
            assertTrue("LO".contains(q.get()));
            q.taskDone();
            assertTrue("LO".contains(q.get()));
            q.taskDone();
            assertTrue(q.join(LONG));
            // shut down and empty: every get raises
            assertThrows(ShutDownException.class, q::get);
            assertThrows(ShutDownException.class, q::getNowait);
            assertThrows(ShutDownException.class, () -> q.get(true, 1.0));
        }
    }

    // ---- test_shutdown_all_methods_in_many_threads, ..._immediate_... -------------------------

    @Test
    void testShutdownAllMethodsInManyProcesses() {
        shutdownAllMethodsInManyProcesses(false);
    }

    @Test
    void testShutdownImmediateAllMethodsInManyProcesses() {
        shutdownAllMethodsInManyProcesses(true);
    }

    /**
     * CPython: 4 writers, 6 readers, 2 joiners and 65 536 items; here 2, 2, 1 and 8 192, since
     * every party is a JVM and the readers spin, on a machine of 2 cores.
     */
    private static void shutdownAllMethodsInManyProcesses(final boolean immediate) {
        JoinableQueue<Object> q = SharedState.joinableQueue();
        Queue<Boolean> resPuts = SharedState.queue();
        Queue<Boolean> resGets = SharedState.queue();
        Queue<Boolean> resShutdown = SharedState.queue();
        final int writeProcesses = 2;
        final int readProcesses = 2;
        final int joinProcesses = 1;
        final int nbMsgs = 1024 * 8;
        final int nbMsgsW = nbMsgs / writeProcesses;
        final int whenExecShutdown = nbMsgsW / 2;
        // All writers put their first items and all readers get one before any goes on; joiners
        // only when the shutdown is immediate (else join() would wait for ever).
        Barrier barrierStart = SharedState.barrier(writeProcesses + readProcesses + (immediate ? joinProcesses : 0));
        Event evExecShutdown = SharedState.event();

        List<Process> ps = new ArrayList<>();
        for (int w = 0; w < writeProcesses; w++) {
            ps.add(start(() -> {
                for (int i = 0; i < whenExecShutdown / 2; i++) {
                    q.put(List.of(i, "LOYD"));
                }
                barrierStart.await();
                for (int i = whenExecShutdown / 2; i < nbMsgsW; i++) {
                    try {
                        q.put(List.of(i, "YDLO"));
                    } catch (ShutDownException e) {
                        resPuts.put(false);
                        break;
                    }
                    if (i == whenExecShutdown && !evExecShutdown.isSet()) {
                        evExecShutdown.set(); // only one writer triggers the shutdown
                        resPuts.put(true);
                    }
                }
            }));
        }
        for (int r = 0; r < readProcesses; r++) {
            ps.add(start(() -> {
                q.get(true, -1);
                q.taskDone();
                barrierStart.await();
                while (true) {
                    try {
                        q.get(false, -1);
                        q.taskDone();
                    } catch (ShutDownException e) {
                        resGets.put(true);
                        break;
                    } catch (EmptyException e) {
                        // not shut down yet, or not empty yet
                    }
                }
            }));
        }
        ps.add(start(() -> {
            evExecShutdown.await();
            q.shutdown(immediate);
            resShutdown.put(true); // CPython: q.qsize() == 0, checked below once the writers ended
        }));
        if (immediate) {
            for (int j = 0; j < joinProcesses; j++) {
                ps.add(start(() -> {
                    barrierStart.await();
                    q.join();
                }));
            }
        }
        joinAll(ps);

        assertTrue(drain(resPuts).contains(true));
        assertEquals(Collections.nCopies(readProcesses, true), drain(resGets));
        if (immediate) {
            assertEquals(List.of(true), drain(resShutdown));
            assertEquals(0, q.qsize());
            assertTrue(q.empty());
        }
    }

    // ---- test_shutdown_get, test_shutdown_immediate_get --------------------------------------

    @Test
    void testShutdownGet() {
        shutdownGet(false);
    }

    @Test
    void testShutdownImmediateGet() {
        shutdownGet(true);
    }

    /** Processes that get after the shutdown: with items left, they get them (unless immediate). */
    private static void shutdownGet(final boolean immediate) {
        Queue<String> q = fullQueueOfTwo();
        Queue<Boolean> results = SharedState.queue();
        Event go = SharedState.event();
        List<Process> ps = new ArrayList<>();
        // immediate: both get ShutDown; else one of three does, when the two items are gone
        for (int i = 0; i < (immediate ? 2 : 3); i++) {
            ps.add(afterGo(go, results, immediate, () -> q.get()));
        }
        q.shutdown(immediate);
        go.set();
        joinAll(ps);
        assertEquals(immediate ? List.of(true, true) : List.of(false, true, true), drain(results));
    }

    // ---- test_shutdown_put, test_shutdown_immediate_put --------------------------------------

    @Test
    void testShutdownPut() {
        shutdownPut(false);
    }

    @Test
    void testShutdownImmediatePut() {
        shutdownPut(true);
    }

    /** As CPython's case, which calls {@code shutdown()} without immediate in both variants. */
    private static void shutdownPut(final boolean immediate) {
        Queue<String> q = fullQueueOfTwo();
        Queue<Boolean> results = SharedState.queue();
        Event go = SharedState.event();
        List<Process> ps = new ArrayList<>();
        for (String msg : List.of("E", "W")) {
            ps.add(afterGo(go, results, true, () -> q.put(msg)));
        }
        q.shutdown();
        go.set();
        joinAll(ps);
        assertEquals(List.of(true, true), drain(results));
    }

    // ---- test_shutdown_join, test_shutdown_immediate_join ------------------------------------

    @Test
    void testShutdownJoin() {
        shutdownJoin(false);
    }

    @Test
    void testShutdownImmediateJoin() {
        shutdownJoin(true);
    }

    /** join() returns: immediate drops the item (counted done); else a process gets it and says done. */
    private static void shutdownJoin(final boolean immediate) {
        JoinableQueue<String> q = SharedState.joinableQueue();
        Queue<Boolean> results = SharedState.queue();
        Event go = SharedState.event();
        q.put("Y");
        int nb = q.qsize();
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(start(() -> {
                q.join();
                results.put(true);
            }));
        }
        if (!immediate) {
            for (int i = 0; i < nb; i++) {
                ps.add(start(() -> {
                    go.await();
                    q.get();
                    q.taskDone();
                }));
            }
        }
        q.shutdown(immediate);
        go.set();
        joinAll(ps);
        assertEquals(List.of(true, true), drain(results));
    }

    // ---- test_shutdown_put_join, test_shutdown_immediate_put_join ----------------------------

    @Test
    void testShutdownPutJoin() {
        shutdownPutJoin(false);
    }

    @Test
    void testShutdownImmediatePutJoin() {
        shutdownPutJoin(true);
    }

    private static void shutdownPutJoin(final boolean immediate) {
        JoinableQueue<String> q = SharedState.joinableQueue(2);
        Queue<Boolean> results = SharedState.queue();
        Event go = SharedState.event();
        q.put("Y"); // not full
        List<Process> ps = new ArrayList<>();
        ps.add(afterGo(go, results, true, () -> q.put("E")));
        ps.add(start(() -> {
            q.join();
            results.put(true);
        }));
        assertEquals(1, q.unfinishedTasks());

        q.shutdown(immediate);
        go.set();
        if (immediate) {
            assertThrows(ShutDownException.class, q::getNowait);
        } else {
            assertEquals("Y", q.get());
            q.taskDone();
        }
        joinAll(ps);
        assertEquals(List.of(true, true), drain(results));
    }

    // ---- test_shutdown_get_task_done_join ----------------------------------------------------

    @Test
    void testShutdownGetTaskDoneJoin() {
        JoinableQueue<String> q = SharedState.joinableQueue(2);
        Queue<Boolean> results = SharedState.queue();
        Event go = SharedState.event();
        q.put("Y");
        q.put("D");
        assertEquals(q.unfinishedTasks(), q.qsize());
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(afterGo(go, results, false, () -> {
                q.get();
                q.taskDone();
            }));
        }
        for (int i = 0; i < 2; i++) {
            ps.add(start(() -> {
                q.join();
                results.put(true);
            }));
        }
        go.set();
        q.shutdown(false);
        joinAll(ps);
        assertEquals(List.of(true, true, true, true), drain(results));
    }

    // ---- test_shutdown_pending_get -----------------------------------------------------------

    @Test
    void testShutdownPendingGet() {
        Queue<String> q = SharedState.queue();
        Queue<String> results = SharedState.queue();
        Process getter = start(() -> {
            try {
                results.put(q.get());
            } catch (ShutDownException e) {
                results.put("ShutDown");
            }
        });
        q.shutdown(false);
        assertTrue(getter.join(Duration.ofSeconds(10)));
        assertEquals("ShutDown", results.get(LONG));
        assertTrue(results.empty());
    }

    // ---- beyond CPython's cases: waiters blocked in another process wake up -------------------

    /** A get that waits in another process, and a put that waits for room in a third, end with ShutDown. */
    @Test
    void waitersInOtherProcessesWakeUpWithShutDown() throws InterruptedException {
        for (boolean immediate : new boolean[] {false, true}) {
            Queue<String> empty = SharedState.queue();
            Queue<String> full = SharedState.queue(1);
            full.put("x");
            Queue<String> results = SharedState.queue();
            Event waiting = SharedState.event();
            Process getter = start(() -> {
                waiting.set();
                try {
                    results.put("got " + empty.get());
                } catch (ShutDownException e) {
                    results.put("get: ShutDown");
                }
            });
            Process putter = start(() -> {
                waiting.await();
                try {
                    full.put("y");
                    results.put("put");
                } catch (ShutDownException e) {
                    results.put("put: ShutDown");
                }
            });
            assertTrue(waiting.await(LONG));
            Thread.sleep(300); // both are (almost surely) waiting now; either way the outcome is the same
            empty.shutdown(immediate);
            full.shutdown(immediate);
            joinAll(List.of(getter, putter));
            List<String> got = new ArrayList<>(List.of(results.get(LONG), results.get(LONG)));
            Collections.sort(got);
            assertEquals(List.of("get: ShutDown", "put: ShutDown"), got);
            assertEquals(immediate ? 0 : 1, full.qsize(), "shutdown(true) drops the item, shutdown() keeps it");
        }
    }
}
