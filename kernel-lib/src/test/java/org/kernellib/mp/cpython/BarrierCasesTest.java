package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.shared.IntValue;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.sync.Barrier;
import org.kernellib.mp.shared.sync.BrokenBarrierException;
import org.kernellib.mp.shared.sync.Held;
import org.kernellib.mp.shared.sync.Lock;

/**
 * CPython's {@code _TestBarrier} cases ({@code Lib/test/_test_multiprocessing.py}, adapted there
 * from {@code test/lock_tests.py}), with the Java names: {@code wait} is {@code await},
 * {@code n_waiting} is {@code nWaiting()}, {@code broken} is {@code isBroken()},
 * {@code BrokenBarrierError} is {@link BrokenBarrierException}. CPython's {@code DummyList}, a
 * counter in shared memory, is an {@link IntValue}; its {@code Bunch} of N-1 processes running
 * the same function beside the test is {@link #runProcesses}, which also checks that each ended
 * with exit code 0 (an assertion failing in a worker fails the test).
 *
 * <p>{@link ManagerBarrierCasesTest} runs the same cases on a manager's barrier, as CPython runs
 * {@code _TestBarrier} with {@code TYPE = 'manager'} too.
 *
 * <p>In the timeout cases, CPython's late party sleeps one second; here it waits until the others
 * have broken the barrier, so that a loaded machine cannot make it arrive in time.
 */
class BarrierCasesTest {
    private static final int N = 5;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration LONG = Duration.ofSeconds(120);

    /** The function each party runs. */
    interface PartyFunction extends Serializable {
        void run() throws Exception;
    }

    /** The barrier operations the cases use, so that they run on a shared-memory and a manager barrier alike. */
    interface CasesBarrier extends Serializable {
        int await();

        int await(Duration timeout);

        int parties();

        int nWaiting();

        boolean isBroken();

        void abort();

        void reset();
    }

    /** A shared-memory {@link Barrier}, whose methods are already those. */
    private record SharedBarrier(Barrier b) implements CasesBarrier {
        @Override
        public int await() {
            return b.await();
        }

        @Override
        public int await(final Duration timeout) {
            return b.await(timeout);
        }

        @Override
        public int parties() {
            return b.parties();
        }

        @Override
        public int nWaiting() {
            return b.nWaiting();
        }

        @Override
        public boolean isBroken() {
            return b.isBroken();
        }

        @Override
        public void abort() {
            b.abort();
        }

        @Override
        public void reset() {
            b.reset();
        }
    }

    private CasesBarrier barrier;

    /** CPython's {@code self.Barrier(parties, timeout=...)}; a null timeout means none. */
    protected CasesBarrier newBarrier(final int parties, final Duration timeout) {
        return new SharedBarrier(timeout == null ? SharedState.barrier(parties) : SharedState.barrier(parties, timeout));
    }

    @BeforeEach
    void setUp() {
        barrier = newBarrier(N, DEFAULT_TIMEOUT);
    }

    @AfterEach
    void tearDown() {
        barrier.abort();
    }

    /** CPython's {@code run_threads}: {@code f} in N-1 processes and here. */
    private static void runProcesses(final PartyFunction f) throws Exception {
        List<Process> procs = new ArrayList<>();
        try {
            for (int i = 0; i < N - 1; i++) {
                Process p = new Process(f::run).daemon(true);
                p.start();
                procs.add(p);
            }
            f.run();
            for (Process p : procs) {
                assertTrue(p.join(LONG), "party " + p + " did not finish");
                assertEquals(OptionalInt.of(0), p.exitCode(), "party " + p + " failed");
            }
        } finally {
            for (Process p : procs) {
                if (p.isAlive()) {
                    p.kill();
                }
            }
        }
    }

    private static void check(final boolean condition, final String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static void multipass(final CasesBarrier barrier, final IntValue results0, final IntValue results1,
            final int n) {
        int m = barrier.parties();
        check(m == N, "parties " + m);
        for (int i = 0; i < n; i++) {
            results0.incrementAndGet();
            check(results1.get() == i * m, "results1 " + results1.get() + " at pass " + i);
            barrier.await();
            results1.incrementAndGet();
            check(results0.get() == (i + 1) * m, "results0 " + results0.get() + " at pass " + i);
            barrier.await();
        }
        check(barrier.nWaiting() == 0, "nWaiting " + barrier.nWaiting());
        check(!barrier.isBroken(), "broken");
    }

    // ---- test_barrier, test_barrier_10 ------------------------------------------------------

    @Test
    void testBarrier() throws Exception {
        CasesBarrier b = barrier;
        IntValue r0 = SharedState.intValue(0);
        IntValue r1 = SharedState.intValue(0);
        runProcesses(() -> multipass(b, r0, r1, 1));
    }

    @Test
    void testBarrier10() throws Exception {
        CasesBarrier b = barrier;
        IntValue r0 = SharedState.intValue(0);
        IntValue r1 = SharedState.intValue(0);
        runProcesses(() -> multipass(b, r0, r1, 10));
    }

    // ---- test_wait_return -------------------------------------------------------------------

    @Test
    void testWaitReturn() throws Exception {
        CasesBarrier b = barrier;
        Queue<Integer> queue = SharedState.queue();
        runProcesses(() -> queue.put(b.await()));
        List<Integer> results = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            results.add(queue.get(LONG));
        }
        assertEquals(1, results.stream().filter(r -> r == 0).count(), results.toString());
    }

    // ---- test_action ------------------------------------------------------------------------

    @Test
    void testAction() throws Exception {
        IntValue results = SharedState.intValue(0);
        Barrier b = SharedState.barrier(N, () -> results.incrementAndGet());
        runProcesses(() -> {
            b.await();
            check(results.get() == 1, "the action ran " + results.get() + " times");
        });
        assertEquals(1, results.get());
    }

    // ---- test_abort -------------------------------------------------------------------------

    private static void abortParty(final CasesBarrier barrier, final IntValue results1, final IntValue results2) {
        try {
            int i = barrier.await();
            if (i == N / 2) {
                throw new IllegalStateException("this party aborts");
            }
            barrier.await();
            results1.incrementAndGet();
        } catch (BrokenBarrierException e) {
            results2.incrementAndGet();
        } catch (IllegalStateException e) {
            barrier.abort();
        }
    }

    @Test
    void testAbort() throws Exception {
        CasesBarrier b = barrier;
        IntValue results1 = SharedState.intValue(0);
        IntValue results2 = SharedState.intValue(0);
        runProcesses(() -> abortParty(b, results1, results2));
        assertEquals(0, results1.get());
        assertEquals(N - 1, results2.get());
        assertTrue(barrier.isBroken());
    }

    // ---- test_reset -------------------------------------------------------------------------

    @Test
    void testReset() throws Exception {
        CasesBarrier b = barrier;
        IntValue results1 = SharedState.intValue(0);
        IntValue results2 = SharedState.intValue(0);
        IntValue results3 = SharedState.intValue(0);
        runProcesses(() -> {
            int i = b.await();
            if (i == N / 2) {
                while (b.nWaiting() < N - 1) { // until the others are all in the barrier
                    Thread.sleep(1);
                }
                b.reset();
            } else {
                try {
                    b.await();
                    results1.incrementAndGet();
                } catch (BrokenBarrierException e) {
                    results2.incrementAndGet();
                }
            }
            b.await(); // now pass the barrier again
            results3.incrementAndGet();
        });
        assertEquals(0, results1.get());
        assertEquals(N - 1, results2.get());
        assertEquals(N, results3.get());
    }

    // ---- test_abort_and_reset ---------------------------------------------------------------

    @Test
    void testAbortAndReset() throws Exception {
        CasesBarrier b = barrier;
        CasesBarrier b2 = newBarrier(N, null);
        IntValue results1 = SharedState.intValue(0);
        IntValue results2 = SharedState.intValue(0);
        IntValue results3 = SharedState.intValue(0);
        runProcesses(() -> {
            abortParty(b, results1, results2);
            // Everyone has left b when it is reset, and no one enters it before.
            if (b2.await() == N / 2) {
                b.reset();
            }
            b2.await();
            b.await();
            results3.incrementAndGet();
        });
        assertEquals(0, results1.get());
        assertEquals(N - 1, results2.get());
        assertEquals(N, results3.get());
    }

    // ---- test_timeout, test_default_timeout -------------------------------------------------

    private static void lateParty(final CasesBarrier barrier, final IntValue results, final Duration firstWait,
            final Duration secondWait) throws InterruptedException {
        int i = firstWait == null ? barrier.await() : barrier.await(firstWait);
        if (i == N / 2) { // one party is late: it arrives after the others broke the barrier
            long deadline = System.nanoTime() + LONG.toNanos();
            while (!barrier.isBroken() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        try {
            if (secondWait == null) {
                barrier.await();
            } else {
                barrier.await(secondWait);
            }
        } catch (BrokenBarrierException e) {
            results.incrementAndGet();
        }
    }

    @Test
    void testTimeout() throws Exception {
        CasesBarrier b = barrier;
        IntValue results = SharedState.intValue(0);
        runProcesses(() -> lateParty(b, results, null, Duration.ofMillis(500)));
        assertEquals(barrier.parties(), results.get());
    }

    @Test
    void testDefaultTimeout() throws Exception {
        CasesBarrier b = newBarrier(N, Duration.ofMillis(500));
        IntValue results = SharedState.intValue(0);
        runProcesses(() -> lateParty(b, results, DEFAULT_TIMEOUT, null));
        assertEquals(b.parties(), results.get());
    }

    // ---- test_single_thread -----------------------------------------------------------------

    @Test
    void testSingleThread() {
        CasesBarrier b = newBarrier(1, null);
        assertEquals(0, b.await());
        assertEquals(0, b.await());
        assertFalse(b.isBroken());
    }

    // ---- test_thousand ----------------------------------------------------------------------

    @Test
    void testThousand() {
        int passes = 1000;
        Lock lock = SharedState.lock();
        Connection[] pipe = SharedState.pipe(false);
        Connection childConn = pipe[1];
        CasesBarrier b = barrier;
        List<Process> procs = new ArrayList<>();
        for (int j = 0; j < N; j++) {
            Process p = new Process(() -> {
                for (int i = 0; i < passes; i++) {
                    b.await();
                    try (Held h = lock.hold()) {
                        childConn.send(i);
                    }
                }
            }).daemon(true);
            p.start();
            procs.add(p);
        }
        for (int i = 0; i < passes; i++) {
            for (int j = 0; j < N; j++) {
                assertEquals(i, pipe[0].recv());
            }
        }
        procs.forEach(p -> assertTrue(p.join(LONG)));
    }
}
