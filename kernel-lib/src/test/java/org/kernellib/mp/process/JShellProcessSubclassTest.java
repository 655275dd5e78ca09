package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/** {@code class Worker extends Process} written in a notebook cell, as Python allows. */
class JShellProcessSubclassTest {
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
    void aCellSubclassWithItsOwnRunRunsInTheWorkerWithACopyOfItsFields() {
        shell.eval("String greeting = \"hello\";");
        shell.eval("int twice(int x) { return 2 * x; }");
        shell.eval("class Worker extends Process {"
                + " int rounds = 3; List<String> seen = new ArrayList<>();"
                + " Worker(String name) { super(name); }"
                + " public void run() { seen.add(\"ran\"); System.out.println(greeting + \" \" + twice(rounds) + \" \""
                + " + seen + \" in \" + currentProcess().name()); } }");
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("var w = new Worker(\"cell-worker\");");
            shell.eval("w.rounds = 21;");
            shell.eval("w.start();");
            shell.eval("w.join();");
            assertEquals("0", shell.eval("w.exitCode().getAsInt()"), cap.err());
            assertTrue(cap.out().contains("hello 42 [ran] in cell-worker"), cap.out() + cap.err());
            // The worker changed its copy of the list, not ours.
            assertEquals("[]", shell.eval("w.seen.toString()").replace("\"", ""));
            shell.eval("w.close();");
            assertTrue(shell.evalFailure("w.isAlive()").contains("cell-worker: the process is closed"));
        }
    }
}
