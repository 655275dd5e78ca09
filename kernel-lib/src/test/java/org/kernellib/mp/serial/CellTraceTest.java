package org.kernellib.mp.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CellTraceTest {
    private static StackTraceElement at(final String cls, final String method, final String file, final int line) {
        return new StackTraceElement(cls, method, file, line);
    }

    /** What a worker's task sees: two notebook frames, then reflection and kernel-lib down to main. */
    private static final StackTraceElement[] WORKER = {
        at("REPL.$JShell$34", "boom", "$JShell$34.java", 6),
        at("REPL.$JShell$35", "lambda$do_it$$5cca3990$1", "$JShell$35.java", 7),
        at("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0", null, -2),
        at("java.lang.reflect.Method", "invoke", "Method.java", 569),
        at("org.kernellib.mp.serial.TaskReference$Call", "run", "TaskReference.java", 216),
        at("org.kernellib.mp.start.ChildMain", "main", "ChildMain.java", 169),
    };

    @Test
    void shouldNameNotebookFramesAsJJavaDoesAndFoldThePlumbing() {
        RuntimeException e = new IllegalStateException("deep", new ArithmeticException("/ by zero"));
        e.setStackTrace(WORKER);
        StackTraceElement[] causeTrace = new StackTraceElement[WORKER.length + 1];
        causeTrace[0] = at("java.util.ArrayList", "get", "ArrayList.java", 427);
        System.arraycopy(WORKER, 0, causeTrace, 1, WORKER.length);
        e.getCause().setStackTrace(causeTrace);
        // Wrapper line 6 is the snippet's line 2; line 7 of the other wrapper is its line 1.
        Map<String, SnippetLines> maps = Map.of(
                "REPL.$JShell$34", new SnippetLines("34", new int[] {0, 0, 0, 0, 1, 2, 3}),
                "REPL.$JShell$35", new SnippetLines("35", new int[] {0, 0, 0, 0, 0, 0, 1}));
        assertEquals("java.lang.IllegalStateException: deep\n"
                + "\tat .boom(#34:2)\n"
                + "\tat .lambda$do_it$$5cca3990$1(#35:1)\n"
                + "\t... 4 frames in kernel-lib\n"
                + "Caused by: java.lang.ArithmeticException: / by zero\n"
                + "\tat java.util.ArrayList.get(ArrayList.java:427)\n"
                + "\t... 6 more\n", CellTrace.render(e, maps));
    }

    @Test
    void shouldShortenNotebookClassesAndKeepWrapperLinesWithoutAMap() {
        RuntimeException e = new RuntimeException("x");
        e.setStackTrace(new StackTraceElement[] {
            at("REPL.$JShell$10$Boom", "explode", "$JShell$10.java", 9),
            at("REPL.$JShell$11", "do_it$", "$JShell$11.java", 5),
            at("org.kernellib.mp.start.ChildMain", "main", "ChildMain.java", 169),
        });
        assertEquals("java.lang.RuntimeException: x\n"
                + "\tat Boom.explode($JShell$10.java:9)\n"
                + "\tat .($JShell$11.java:5)\n"
                + "\t... 1 frame in kernel-lib\n", CellTrace.render(e, Map.of()));
    }

    @Test
    void shouldFindTheWrapperOfNestedClassesOnly() {
        assertEquals("REPL.$JShell$12", SnippetLines.wrapperOf("REPL.$JShell$12$Counter$1"));
        assertEquals("REPL.$JShell$12", SnippetLines.wrapperOf("REPL.$JShell$12"));
        assertEquals(null, SnippetLines.wrapperOf("REPL.Other"));
        assertEquals(null, SnippetLines.wrapperOf("java.lang.String"));
    }

    @Test
    void shouldKeepTheLibraryFramesATaskCalledIntoAndPlainJavaFrames() {
        RuntimeException e = new RuntimeException("empty");
        e.setStackTrace(new StackTraceElement[] {
            at("org.kernellib.mp.shared.queue.Queue", "get", "Queue.java", 210),
            at("com.example.Worker", "run", "Worker.java", 12),
            at("org.kernellib.mp.serial.TaskReference$Call", "run", "TaskReference.java", 216),
            at("org.kernellib.mp.start.ChildMain", "main", "ChildMain.java", 169),
        });
        assertEquals("java.lang.RuntimeException: empty\n"
                + "\tat org.kernellib.mp.shared.queue.Queue.get(Queue.java:210)\n"
                + "\tat com.example.Worker.run(Worker.java:12)\n"
                + "\t... 2 frames in kernel-lib\n", CellTrace.render(e, Map.of()));
    }
}
