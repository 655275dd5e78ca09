package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.start.PrestartStarter;
import org.kernellib.mp.start.Starters;

/** The facade and the prestart start method. */
class StartMethodTest {

    @AfterEach
    void backToSpawn() {
        Multiprocessing.setStartMethod("spawn");
    }

    @Test
    void facadeDescribesTheMainProcess() {
        assertEquals("MainProcess", Multiprocessing.currentProcess().name());
        assertEquals(ProcessHandle.current().pid(), Multiprocessing.currentProcess().pid());
        assertTrue(Multiprocessing.parentProcess().isEmpty());
        assertTrue(Multiprocessing.cpuCount() >= 1);
        assertEquals("spawn", Multiprocessing.getStartMethod());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multiprocessing.setStartMethod("fork"));
        assertTrue(e.getMessage().contains("prestart"), e.getMessage());
    }

    @Test
    void prestartedWorkersRunTasksAndAreReplaced() throws Exception {
        Multiprocessing.setStartMethod("prestart");
        assertEquals("prestart", Multiprocessing.getStartMethod());
        PrestartStarter starter = (PrestartStarter) Starters.current();
        try (OutputCapture cap = new OutputCapture()) {
            long[] pids = new long[3];
            for (int i = 0; i < pids.length; i++) {
                assertTrue(starter.awaitStandby(30_000), "a standby should come up");
                Process p = new Process(TestTasks::hello);
                p.start();
                p.join();
                assertEquals(OptionalInt.of(0), p.exitCode());
                assertTrue(cap.out().contains("hello from " + p.name() + " child of MainProcess"), cap.out());
                pids[i] = p.pid();
            }
            assertTrue(pids[0] != pids[1] && pids[1] != pids[2], "each task gets its own JVM");
            Process exit3 = new Process(TestTasks::exitThree);
            exit3.start();
            exit3.join();
            assertEquals(OptionalInt.of(3), exit3.exitCode());
        }
    }

    @Test
    void backToBackStartsMakeItKeepMoreThanOneStandby() throws Exception {
        Multiprocessing.setStartMethod("prestart");
        PrestartStarter starter = (PrestartStarter) Starters.current();
        assertTrue(starter.awaitStandby(30_000), "a standby should come up");
        assertEquals(1, starter.standbyPids().size(), "one standby to begin with");
        try (OutputCapture cap = new OutputCapture()) {
            Process[] ps = new Process[3];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = new Process(TestTasks::hello);
                ps[i].start(); // the first takes the standby, the others find none ready
            }
            for (Process p : ps) {
                p.join();
                assertEquals(OptionalInt.of(0), p.exitCode());
            }
        }
        assertTrue(starter.awaitKept(30_000));
        assertTrue(starter.standbyPids().size() >= 2, "standbys kept after a burst: " + starter.standbyPids());
    }
}
