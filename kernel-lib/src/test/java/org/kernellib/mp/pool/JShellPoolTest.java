package org.kernellib.mp.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/** Notebook-style: a local JShell (as JJava runs cells) defines the functions and variables the pool uses. */
class JShellPoolTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness("java.util.*", "org.kernellib.mp.pool.*");
        eval("var pool = new Pool(2);");
    }

    @AfterAll
    static void closeShell() {
        try {
            eval("pool.close();");
        } finally {
            shell.close();
        }
    }

    static String eval(final String code) {
        return shell.eval(code);
    }

    @Test
    void snippetFunctionsSeeTopLevelVariablesAsOfEachCall() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            eval("int square(int x) { return x * x; }");
            eval("int offset = 10;");
            assertEquals("\"[11, 14, 19]\"", eval("pool.map(x -> square(x) + offset, List.of(1, 2, 3)).toString()"));
            eval("offset = 100;");
            assertEquals("\"[101, 104, 109]\"", eval("pool.map(x -> square(x) + offset, List.of(1, 2, 3)).toString()"));
            // A redefined method runs in its new version in the same warm workers.
            eval("int square(int x) { return x * x * x; }");
            assertEquals("\"[101, 108, 127]\"", eval("pool.map(x -> square(x) + offset, List.of(1, 2, 3)).toString()"));
            // The workers are the same JVMs as before: the pool is warm across cells.
            String pids = eval("pool.allWorkerPids().toString()");
            assertEquals(pids, eval("pool.allWorkerPids().toString()"));
        });
    }

    @Test
    void snippetRecordsTravelBothWaysAndSnippetExceptionsComeBack() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            eval("record Pt(int x, int y) implements java.io.Serializable { Pt twice() { return new Pt(2 * x, 2 * y); } }");
            assertEquals("\"[Pt[x=2, y=4], Pt[x=6, y=8]]\"",
                    eval("pool.map(Pt::twice, List.of(new Pt(1, 2), new Pt(3, 4))).toString()"));
            eval("class Boom extends RuntimeException { Boom(String m) { super(m); } }");
            eval("int explode(int x) { if (x == 2) throw new Boom(\"bad \" + x); return x; }");
            eval("String caught = \"\";");
            eval("try { pool.map(x -> explode(x), List.of(1, 2, 3)); } catch (PoolTaskException e) {"
                    + " caught = e.getCause().getClass().getSimpleName() + \": \" + e.getCause().getMessage()"
                    + " + \" | \" + e.remoteTrace(); }");
            String caught = eval("caught");
            assertTrue(caught.startsWith("\"Boom: bad 2 | "), caught);
            assertTrue(caught.contains("explode"), caught);
            assertEquals("\"[1, 3]\"", eval("pool.map(x -> explode(x), List.of(1, 3)).toString()"));
        });
    }

    @Test
    void aMethodThatUsesThePoolCanBeCalled() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // The lambda's class is the method's wrapper, whose code also reads the 'pool' variable:
            // the snapshot must cope with a Pool in a variable the function does not use.
            eval("List<Integer> inputs = List.of(1, 2, 3);");
            eval("List<Integer> plusOne() { return pool.map(x -> x + 1, inputs); }");
            assertEquals("\"[2, 3, 4]\"", eval("plusOne().toString()"));
        });
    }

    @Test
    void aWorkerThatUsesItsCopyOfThePoolGetsAnErrorSayingWhatToDo() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            // The worker's copy of 'pool' used to be null: a bare NullPointerException in the worker.
            eval("List<Integer> viaPool(int n) { return pool.map(x -> x + n, List.of(1, 2)); }");
            eval("String failure = \"\";");
            eval("try { pool.apply(n -> viaPool(n).toString(), 10); } catch (PoolTaskException e) {"
                    + " failure = e.getCause().getClass().getName() + \": \" + e.getCause().getMessage(); }");
            String failure = eval("failure");
            assertTrue(failure.startsWith("\"java.lang.IllegalStateException: " + eval("pool.name()").replace("\"", "")
                    + " cannot be used in "), failure);
            assertTrue(failure.contains("it is a copy of a pool that runs in MainProcess (pid " + ProcessHandle.current().pid()
                    + ")"), failure);
            assertTrue(failure.contains("Create a new Pool inside the task"), failure);
            // In the worker the copy says what it is; the pool itself still works here.
            eval("Object poolVariable() { return pool; }");
            String shown = eval("pool.apply(n -> String.valueOf(poolVariable()), 1)");
            assertTrue(shown.contains(", a copy of the pool in MainProcess (pid "), shown);
            assertEquals("\"[11, 12]\"", eval("viaPool(10).toString()"));
        });
    }

    @Test
    void aTaskThatCapturesAPoolIsRefusedWhenSubmitted() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            eval("String refusal = \"\";");
            eval("String capturing() { Pool mine = pool; return pool.apply(x -> mine.name() + x, 1); }");
            eval("try { capturing(); } catch (PoolException e) { refusal = e.getMessage(); }");
            String refusal = eval("refusal");
            assertTrue(refusal.contains("captures captured value #1 of type org.kernellib.mp.pool.Pool"), refusal);
            assertTrue(refusal.contains("A Pool belongs to the process that made it and cannot be sent to another:"
                    + " create one inside the task, or pass the task the data instead."), refusal);
            assertTrue(!refusal.contains("make the class Serializable"), refusal);
        });
    }
}
