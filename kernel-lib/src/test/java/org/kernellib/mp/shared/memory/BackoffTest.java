package org.kernellib.mp.shared.memory;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.WaitInterruptedException;

class BackoffTest {

    @Test
    void parksLongerEachTimeUpToTheCap() {
        Backoff b = new Backoff("test");
        long t0 = System.nanoTime();
        for (int i = 0; i < 600; i++) {
            b.idle(Long.MAX_VALUE);
        }
        long elapsed = System.nanoTime() - t0;
        // 600 rounds: 272 spins and yields, then ~330 parks that double to 1 ms: mostly sleeping.
        assertTrue(b.parkedNanos() > 250_000_000L, "parked only " + b.parkedNanos() + " ns");
        assertTrue(elapsed >= b.parkedNanos() / 2, "elapsed " + elapsed + " ns is less than the parking");
    }

    @Test
    void anInterruptEndsTheWait() {
        Backoff b = new Backoff("the test condition");
        Thread.currentThread().interrupt();
        try {
            WaitInterruptedException e = assertThrows(WaitInterruptedException.class, () -> {
                for (int i = 0; i < 10_000; i++) {
                    b.idle(Long.MAX_VALUE);
                }
            });
            assertTrue(e.getMessage().contains("the test condition"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag must stay set");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void deadlinesSaturateAndExpire() {
        assertTrue(Backoff.deadline(-1) == Long.MAX_VALUE);
        assertTrue(Backoff.deadline(Long.MAX_VALUE) == Long.MAX_VALUE);
        assertTrue(Backoff.expired(Backoff.deadline(0)));
        assertTrue(!Backoff.expired(Long.MAX_VALUE));
    }
}
