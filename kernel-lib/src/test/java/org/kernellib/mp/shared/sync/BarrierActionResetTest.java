package org.kernellib.mp.shared.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.RawLongValue;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.testing.ChildJvm;

/** Python's Barrier(parties, action, timeout) and reset(), as CPython's _TestBarrier checks them. */
class BarrierActionResetTest {
    private static final long WAIT_S = 60;

    private static List<CompletableFuture<Integer>> awaitIn(final Barrier b, final int threads) {
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(b.await());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            t.start();
            all.add(f);
        }
        return all;
    }

    private static void awaitWaiting(final Barrier b, final int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (b.nWaiting() != n && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertEquals(n, b.nWaiting());
    }

    private static Throwable failure(final CompletableFuture<?> f) throws Exception {
        return assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS)).getCause();
    }

    static volatile int actionRuns;

    @Test
    void theActionRunsOncePerTripBeforeAnyPartyIsReleased() throws Exception {
        actionRuns = 0;
        Barrier b = SharedState.barrier(3, () -> actionRuns++);
        try {
            for (int round = 1; round <= 5; round++) {
                List<CompletableFuture<Integer>> runsSeenOnRelease = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<Integer> seen = new CompletableFuture<>();
                    new Thread(() -> {
                        try {
                            b.await();
                            seen.complete(actionRuns); // read at once: the action of this round must be done
                        } catch (Throwable e) {
                            seen.completeExceptionally(e);
                        }
                    }).start();
                    runsSeenOnRelease.add(seen);
                }
                for (CompletableFuture<Integer> seen : runsSeenOnRelease) {
                    assertEquals(round, seen.get(WAIT_S, TimeUnit.SECONDS));
                }
                assertEquals(round, actionRuns);
            }
            assertFalse(b.isBroken());
        } finally {
            b.unlink();
        }
    }

    @Test
    void anActionThatThrowsBreaksTheBarrierAndResetMakesItUsableAgain() throws Exception {
        Barrier b = SharedState.barrier(2, () -> {
            throw new IllegalStateException("action failed");
        });
        try {
            List<CompletableFuture<Integer>> parties = awaitIn(b, 2);
            List<Class<?>> kinds = new ArrayList<>();
            for (CompletableFuture<Integer> p : parties) {
                kinds.add(failure(p).getClass());
            }
            assertTrue(kinds.contains(IllegalStateException.class) && kinds.contains(BrokenBarrierException.class),
                    kinds.toString());
            assertTrue(b.isBroken());
            assertThrows(BrokenBarrierException.class, b::await);
            b.reset();
            assertFalse(b.isBroken());
            assertEquals(0, b.nWaiting());
        } finally {
            b.unlink();
        }
        Barrier plain = SharedState.barrier(2);
        try {
            plain.abort();
            plain.reset();
            for (CompletableFuture<Integer> p : awaitIn(plain, 2)) {
                p.get(WAIT_S, TimeUnit.SECONDS);
            }
        } finally {
            plain.unlink();
        }
    }

    @Test
    void resetBreaksTheWaitersButNotTheBarrier() throws Exception {
        Barrier b = SharedState.barrier(3);
        try {
            List<CompletableFuture<Integer>> waiting = awaitIn(b, 2);
            awaitWaiting(b, 2);
            b.reset();
            for (CompletableFuture<Integer> w : waiting) {
                Throwable e = failure(w);
                assertSame(BrokenBarrierException.class, e.getClass());
                assertEquals("barrier was reset while waiting", e.getMessage());
            }
            assertFalse(b.isBroken());
            assertEquals(0, b.nWaiting());
            List<Integer> indexes = new ArrayList<>();
            for (CompletableFuture<Integer> p : awaitIn(b, 3)) {
                indexes.add(p.get(WAIT_S, TimeUnit.SECONDS));
            }
            indexes.sort(null);
            assertEquals(List.of(0, 1, 2), indexes, "a full round after reset");
        } finally {
            b.unlink();
        }
    }

    @Test
    void theDefaultTimeoutBoundsAwaitAndBreaksTheBarrier() {
        Barrier b = SharedState.barrier(2, Duration.ofMillis(200));
        try {
            assertEquals(Optional.of(Duration.ofMillis(200)), b.timeout());
            BrokenBarrierException e = assertThrows(BrokenBarrierException.class, b::await);
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(b.isBroken());
        } finally {
            b.unlink();
        }
        assertEquals(Optional.empty(), SharedState.barrier(1).timeout());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> SharedState.barrier(2, Duration.ZERO));
        assertTrue(bad.getMessage().contains("default timeout must be positive"), bad.getMessage());
    }

    /** Child: the last party, which runs the action that came with the barrier. */
    static void lastParty(final Object[] a) {
        Barrier b = (Barrier) a[0];
        System.out.println("TIMEOUT " + b.timeout().map(Duration::toMillis).orElse(-1L));
        System.out.println("INDEX " + b.await());
    }

    @Test
    void theActionAndTheTimeoutTravelWithTheBarrierToAnotherProcess() throws Exception {
        RawLongValue ranIn = SharedState.rawLongValue(0);
        Barrier b = SharedState.barrier(2, () -> ranIn.set(ProcessHandle.current().pid()), Duration.ofSeconds(120));
        try {
            CompletableFuture<Integer> here = awaitIn(b, 1).get(0);
            awaitWaiting(b, 1);
            try (ChildJvm child = ChildJvm.start(BarrierActionResetTest.class, "lastParty", b)) {
                assertEquals("120000", child.awaitLine("TIMEOUT", WAIT_S * 1000));
                assertEquals("1", child.awaitLine("INDEX", WAIT_S * 1000));
                child.assertSuccess(WAIT_S * 1000);
                assertEquals(0, here.get(WAIT_S, TimeUnit.SECONDS));
                assertEquals(child.pid(), ranIn.get(), "the last party, in the child, ran the action");
            }
        } finally {
            b.unlink();
            ranIn.unlink();
        }
    }
}
