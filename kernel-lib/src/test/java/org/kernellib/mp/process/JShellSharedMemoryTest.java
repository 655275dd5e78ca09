package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.shared.testing.Python;
import org.kernellib.mp.testing.JShellHarness;

/**
 * The notebook's shared-memory lesson in cells: a worker fills a named block that a captured
 * handle carries to it, and a Python program started from a cell sums it, then the other way round.
 */
class JShellSharedMemoryTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness(JShellHarness.PROCESS_IMPORTS);
        shell.eval("import org.kernellib.mp.shared.memory.SharedMemory;");
        shell.eval("import org.kernellib.mp.shared.memory.ShareableList;");
        shell.eval("String python = \"" + Python.interpreter() + "\";");
        shell.eval("String run(String... cmd) throws Exception {"
                + " var pb = new ProcessBuilder(cmd).redirectErrorStream(true);"
                + " java.lang.Process py = pb.start();"
                + " String out = new String(py.getInputStream().readAllBytes()).trim();"
                + " py.waitFor(); return out; }");
    }

    @AfterAll
    static void closeShell() {
        shell.close();
    }

    @Test
    void aWorkerFillsABlockAndPythonStartedFromACellSumsIt() {
        shell.eval("SharedMemory shm = SharedMemory.create(8 * 1000);");
        shell.eval("var filler = new Process(() -> { var xs = shm.asLongBuffer();"
                + " for (int i = 0; i < 1000; i++) xs.put(i, i); }); filler.start(); filler.join();");
        String out = shell.eval("run(python, \"-c\", String.join(\"\\n\","
                + " \"import sys\","
                + " \"from multiprocessing import resource_tracker, shared_memory\","
                + " \"shm = shared_memory.SharedMemory(sys.argv[1])\","
                + " \"resource_tracker.unregister(shm._name, 'shared_memory')\","
                + " \"print(sum(shm.buf.cast('q')))\","
                + " \"shm.close()\"), shm.name())");
        assertEquals("\"499500\"", out);
        assertEquals("true", shell.eval("java.nio.file.Files.exists(java.nio.file.Path.of(\"/dev/shm\", shm.name()))"));
        shell.eval("shm.close(); shm.unlink();");
    }

    @Test
    void aListPythonWroteIsReadInACell() {
        String name = shell.eval("run(python, \"-c\", String.join(\"\\n\","
                + " \"import sys, time\","
                + " \"from multiprocessing import shared_memory\","
                + " \"sl = shared_memory.ShareableList(['words', 3, 2.5, None], name='kltest-cell-' + sys.argv[1])\","
                + " \"print(sl.shm.name)\","
                + " \"sl.shm.close()\","
                + " \"from multiprocessing import resource_tracker\","
                + " \"resource_tracker.unregister(sl.shm._name, 'shared_memory')\"),"
                + " Long.toString(ProcessHandle.current().pid()))");
        assertEquals("\"kltest-cell-" + ProcessHandle.current().pid() + "\"", name);
        shell.eval("var sl = ShareableList.attach(" + name + ");");
        assertEquals("[words, 3, 2.5, null]", shell.eval("String.valueOf(new java.util.ArrayList<>(sl))").replace("\"", ""));
        shell.eval("sl.close(); sl.unlink();");
    }
}
