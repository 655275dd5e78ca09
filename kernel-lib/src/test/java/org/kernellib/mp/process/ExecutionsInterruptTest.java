package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * Whoever interrupts a unit of work (the kernel extension, for a cell) stops the workers that
 * unit started, and no others, whatever the unit's thread is doing: here it is not even waiting.
 */
class ExecutionsInterruptTest {

    @Test
    void stopsTheWorkersOfTheInterruptedUnitOnly() throws Exception {
        Process mine = new Process(TestTasks::sleepLong);
        AtomicReference<Process> theirs = new AtomicReference<>();
        Thread other = new Thread(() -> {
            Process p = new Process(TestTasks::sleepLong);
            p.start();
            theirs.set(p);
        });
        mine.start();
        other.start();
        other.join();
        try {
            assertEquals(1, Executions.interrupted(other));
            assertTrue(theirs.get().join(5_000), "the interrupted unit's worker still runs");
            assertTrue(mine.isAlive(), "a worker of another unit was stopped");
            assertFalse(Thread.currentThread().isInterrupted(), "the caller's own thread must not be interrupted");
            assertEquals(0, Executions.interrupted(other), "nothing left to stop");
        } finally {
            mine.kill();
            theirs.get().kill();
            mine.join();
        }
    }
}
