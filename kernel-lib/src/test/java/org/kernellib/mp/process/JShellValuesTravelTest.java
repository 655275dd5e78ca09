package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/**
 * What a Process copies of the notebook's variables (records that are not Serializable, lists of
 * them) travels the same way as a queue item, a pipe message and a pool item or result; what
 * cannot travel gets one error everywhere, naming its type and what carried it.
 */
class JShellValuesTravelTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness(JShellHarness.PROCESS_IMPORTS);
        shell.eval("import org.kernellib.mp.pool.*;");
        shell.eval("record Pt(int x, int y) { }"); // not Serializable, like most records in a notebook
    }

    @AfterAll
    static void closeShell() {
        shell.close();
    }

    @Test
    void shouldCarryNotebookRecordsThroughQueuesPipesAndPools() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            shell.eval("var q = queue();");
            shell.eval("var p = new Process(() -> { q.put(new Pt(1, 2)); q.put(List.of(new Pt(3, 4), new Pt(5, 6))); });");
            shell.eval("p.start(); p.join();");
            assertEquals("OptionalInt[0]", shell.eval("p.exitCode()"));
            assertEquals("\"Pt[x=1, y=2]\"", shell.eval("q.get().toString()"));
            assertEquals("\"[Pt[x=3, y=4], Pt[x=5, y=6]]\"", shell.eval("q.get().toString()"));

            shell.eval("var ends = pipe();");
            shell.eval("var echo = new Process(() -> { Pt m = (Pt) ends[1].recv(); ends[1].send(new Pt(m.y(), m.x())); });");
            shell.eval("echo.start(); ends[0].send(new Pt(7, 8)); echo.join();");
            assertEquals("\"Pt[x=8, y=7]\"", shell.eval("ends[0].recv().toString()"));

            shell.eval("var pool = new Pool(1);");
            try {
                assertEquals("\"[Pt[x=2, y=1], Pt[x=4, y=2]]\"",
                        shell.eval("pool.map(pt -> new Pt(pt.x() * 2, pt.x()), List.of(new Pt(1, 9), new Pt(2, 9))).toString()"));
                assertEquals("\"[Pt[x=1, y=1]]\"", shell.eval("pool.map(i -> new Pt(i, i), List.of(1)).toString()"));
            } finally {
                shell.eval("pool.close();");
            }
        });
    }

    @Test
    void shouldRefuseWhatCannotTravelWithOneErrorNamingTypeAndCarrier() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            shell.eval("var q2 = queue();");
            String thread = shell.evalFailure("q2.put(new Thread());");
            assertTrue(thread.contains("cannot send a queue item (a java.lang.Thread) to another process, which cannot"
                    + " be copied"), thread);

            shell.eval("var pool2 = new Pool(1);");
            try {
                String poolItem = shell.evalFailure("q2.put(List.of(pool2));");
                assertTrue(poolItem.contains("which holds a org.kernellib.mp.pool.Pool, which cannot be copied"), poolItem);
                String item = shell.evalFailure("pool2.map(x -> x, List.of(1, new Thread()));");
                assertTrue(item.contains("cannot send pool item #1 (a java.lang.Thread) to another process"), item);
                String result = shell.evalFailure("pool2.map(x -> new Thread(), List.of(1));");
                assertTrue(result.contains("cannot send the result of item #0 (a java.lang.Thread) to another process"),
                        result);
            } finally {
                shell.eval("pool2.close();");
            }
        });
    }
}
