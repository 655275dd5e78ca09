package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/** A barrier action written in a cell travels with the barrier and runs in the worker that trips it. */
class JShellBarrierActionTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness(JShellHarness.PROCESS_IMPORTS);
    }

    @AfterAll
    static void closeShell() {
        shell.close();
    }

    @Test
    void aCellActionRunsInTheWorkerThatArrivesLast() {
        shell.eval("var ranIn = rawLongValue(0);");
        // The action captures what it uses: a top-level variable that only a snapshot value (here
        // the action inside the barrier) refers to is not copied into the worker.
        shell.eval("org.kernellib.mp.shared.sync.Barrier recordingBarrier(org.kernellib.mp.shared.RawLongValue into) {"
                + " return barrier(2, () -> into.set(ProcessHandle.current().pid())); }");
        shell.eval("var b = recordingBarrier(ranIn);");
        shell.eval("var here = new Thread(() -> b.await()); here.start();");
        shell.eval("while (b.nWaiting() != 1) Thread.sleep(1);");
        shell.eval("var p = new Process(() -> b.await()); p.start(); p.join(); here.join();");
        assertEquals("0", shell.eval("p.exitCode().getAsInt()"));
        assertEquals("true", shell.eval("ranIn.get() == p.pid()"));
        shell.eval("b.unlink(); ranIn.unlink();");
    }
}
