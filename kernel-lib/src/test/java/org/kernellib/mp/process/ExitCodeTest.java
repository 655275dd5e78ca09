package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.start.WorkerStatus;

class ExitCodeTest {
    private static WorkerStatus status(final boolean done, final boolean failed, final boolean exiting) {
        return new WorkerStatus(false, done, failed, exiting, 0, 0);
    }

    @Test
    void aWorkerKilledWhileItsJvmExitsAfterItsTaskReadsAsTheSignal() {
        // DONE, then the shutdown hook's EXITING, then SIGKILL before the JVM was gone: Python says -9.
        assertEquals(-9, ExitCode.decode(137, status(true, false, true)));
        assertEquals(-9, ExitCode.decode(137, status(false, true, true)));
    }

    @Test
    void aTaskThatCallsSystemExitKeepsItsStatus() {
        assertEquals(137, ExitCode.decode(137, status(false, false, true)));
        assertEquals(3, ExitCode.decode(3, status(false, false, true)));
    }

    @Test
    void normalEndsAndSilentDeaths() {
        assertEquals(0, ExitCode.decode(0, status(true, false, true)));
        assertEquals(1, ExitCode.decode(1, status(false, true, true)));
        assertEquals(-9, ExitCode.decode(137, status(false, false, false)));
    }
}
