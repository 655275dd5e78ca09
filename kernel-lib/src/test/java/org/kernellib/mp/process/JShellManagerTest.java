package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/**
 * Manager proxies in notebook code: captured by a cell's lambda, held in a top-level variable that
 * a worker gets a copy of, passed to a pool; values of classes written in cells stored in the
 * manager, whose process loads those classes from the kernel as any worker does.
 */
class JShellManagerTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness(JShellHarness.PROCESS_IMPORTS);
        shell.eval("import org.kernellib.mp.manager.*;");
        shell.eval("import org.kernellib.mp.pool.Pool;");
        shell.eval("var m = manager();");
    }

    @AfterAll
    static void closeShell() {
        shell.eval("m.shutdown();");
        shell.close();
    }

    @Test
    void aTopLevelProxyIsUsableInAWorker() {
        shell.eval("DictProxy<String, Integer> counts = m.dict();");
        shell.eval("void count(String w) { counts.merge(w, 1, Integer::sum); }");
        shell.eval("var p = new Process(() -> { for (var w : \"a b a c a\".split(\" \")) count(w); }); p.start(); p.join();");
        assertEquals("\"{a=3, b=1, c=1}\"", shell.eval("new TreeMap<>(counts).toString()"));
    }

    @Test
    void aCellRecordTravelsThroughTheManagerAndAPoolFillsADict() {
        shell.eval("record Point(int x, int y) {}");
        shell.eval("ListProxy<Point> points = m.list();");
        shell.eval("var q = new Process(() -> points.add(new Point(1, 2))); q.start(); q.join();");
        assertEquals("\"Point[x=1, y=2]\"", shell.eval("points.get(0).toString()"));
        assertEquals("3", shell.eval("points.get(0).x() + points.get(0).y()"));
        shell.eval("DictProxy<Integer, Integer> squares = m.dict();");
        shell.eval("try (var pool = new Pool(2)) { pool.map(i -> squares.put(i, i * i), List.of(1, 2, 3, 4)); }");
        assertEquals("\"{1=1, 2=4, 3=9, 4=16}\"", shell.eval("new TreeMap<>(squares).toString()"));
    }
}
