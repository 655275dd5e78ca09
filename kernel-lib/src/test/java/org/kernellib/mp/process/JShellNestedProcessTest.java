package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kernellib.mp.testing.JShellHarness;

/** Notebook code in a worker starts workers of its own, with cell code, as it would in the kernel. */
class JShellNestedProcessTest {
    private static JShellHarness shell;

    @BeforeAll
    static void openShell() {
        shell = new JShellHarness(JShellHarness.PROCESS_IMPORTS);
        shell.eval("import org.kernellib.mp.pool.Pool;");
    }

    @AfterAll
    static void closeShell() {
        shell.close();
    }

    @Test
    void aWorkerStartsAProcessWithCellCodeAndItsOutputReachesTheTop() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("record Job(String label, int n) { }");
            shell.eval("int cube(int x) { return x * x * x; }");
            shell.eval("String inner(Job j) { return j.label() + \"=\" + cube(j.n()) + \" in \" + currentProcess().name()"
                    + " + \" child of \" + parentProcess().get().name(); }");
            shell.eval("Job job = new Job(\"cube\", 3);");
            shell.eval("var outer = new Process(\"outer\", () -> {\n"
                    + "    Process nested = new Process(\"nested\", () -> System.out.println(inner(job)));\n"
                    + "    nested.start();\n"
                    + "    nested.join();\n"
                    + "    System.out.println(\"nested exit \" + nested.exitCode().getAsInt());\n"
                    + "});");
            shell.eval("outer.start(); outer.join();");
            assertEquals("0", shell.eval("outer.exitCode().getAsInt()"), cap.err());
            assertTrue(cap.out().contains("cube=27 in nested child of outer\n"), cap.out() + cap.err());
            assertTrue(cap.out().contains("nested exit 0\n"), cap.out() + cap.err());
        }
    }

    @Test
    void aGrandchildStartsWorkersTooAndAFailedNestedStartFailsTheWorker() {
        try (OutputCapture cap = new OutputCapture()) {
            shell.eval("record Depth(int level) { Depth next() { return new Depth(level + 1); } }");
            shell.eval("void descend(Depth d) {\n"
                    + "    System.out.println(\"level \" + d.level() + \" pid \" + currentProcess().pid());\n"
                    + "    if (d.level() < 3) { var p = new Process(() -> descend(d.next())); p.start(); p.join();"
                    + " if (p.exitCode().getAsInt() != 0) System.exit(5); }\n"
                    + "}");
            shell.eval("var top = new Process(() -> descend(new Depth(1)));");
            shell.eval("top.start(); top.join();");
            assertEquals("0", shell.eval("top.exitCode().getAsInt()"), cap.err());
            for (int level = 1; level <= 3; level++) {
                assertTrue(cap.out().contains("level " + level + " pid "), cap.out() + cap.err());
            }

            // A nested start that cannot copy its task fails the worker that called it.
            shell.eval("var refuses = new Process(\"refuses\", () -> {\n"
                    + "    Thread t = new Thread();\n"
                    + "    new Process(() -> System.out.println(t.getName())).start();\n"
                    + "});");
            shell.eval("refuses.start(); refuses.join();");
            assertEquals("1", shell.eval("refuses.exitCode().getAsInt()"), cap.err());
            assertTrue(cap.err().contains("ProcessStartException: cannot start"), cap.err());
            assertTrue(cap.err().contains("java.lang.Thread"), cap.err());
        }
    }

    @Test
    void aPoolInAWorkerMapsCellCodeOverCellRecords() {
        try (OutputCapture cap = new OutputCapture()) {
            // Serializable: pool items of non-Serializable cell classes are issue 11 item 5, not this test.
            shell.eval("record Reading(String sensor, double value) implements java.io.Serializable { }");
            shell.eval("double calibrate(Reading r) { return r.value() * 2 + bias; }");
            shell.eval("double bias = 0.5;");
            shell.eval("List<Reading> readings = List.of(new Reading(\"a\", 1), new Reading(\"b\", 2), new Reading(\"c\", 3));");
            shell.eval("var mapper = new Process(\"mapper\", () -> {\n"
                    + "    try (Pool pool = new Pool(2)) {\n"
                    + "        System.out.println(\"calibrated \" + pool.map(r -> calibrate(r), readings));\n"
                    + "        System.out.println(\"renamed \" + pool.map(r -> new Reading(r.sensor().toUpperCase(), r.value()), readings));\n"
                    + "    }\n"
                    + "});");
            shell.eval("mapper.start(); mapper.join();");
            assertEquals("0", shell.eval("mapper.exitCode().getAsInt()"), cap.err());
            assertTrue(cap.out().contains("calibrated [2.5, 4.5, 6.5]\n"), cap.out() + cap.err());
            assertTrue(cap.out().contains("renamed [Reading[sensor=A, value=1.0], Reading[sensor=B, value=2.0],"
                    + " Reading[sensor=C, value=3.0]]\n"), cap.out() + cap.err());
        }
    }

    @Test
    void killingOrTerminatingTheMiddleWorkerEndsItsProcessesAndPoolWorkers() throws Exception {
        shell.eval("void sleepForever() { try { Thread.sleep(600_000); } catch (InterruptedException e) { } }");
        shell.eval("int twice(int x) { return 2 * x; }");
        for (String how : new String[] {"kill", "terminate"}) {
            try (OutputCapture cap = new OutputCapture()) {
                shell.eval("var middle = new Process(() -> {\n"
                        + "    var grandchild = new Process(() -> sleepForever());\n"
                        + "    grandchild.start();\n"
                        + "    var pool = new Pool(2);\n"
                        + "    System.out.println(\"mapped \" + pool.map(x -> twice(x), List.of(1, 2)));\n"
                        + "    System.out.println(\"descendants \" + grandchild.pid() + \" \" + pool.allWorkerPids());\n"
                        + "    sleepForever();\n"
                        + "});");
                shell.eval("middle.start();");
                List<Long> pids = awaitDescendants(cap);
                assertTrue(pids.size() == 3, "a grandchild and two pool workers: " + pids);
                for (long pid : pids) {
                    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "not running: " + pid);
                }
                shell.eval("middle." + how + "(); middle.join();");
                long deadline = System.nanoTime() + 20_000_000_000L;
                List<Long> alive = new ArrayList<>(pids);
                while (!alive.isEmpty() && System.nanoTime() < deadline) {
                    alive.removeIf(pid -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                    Thread.sleep(50);
                }
                assertTrue(alive.isEmpty(), "still running 20 s after " + how + " of their parent: " + alive
                        + "\n" + cap.out() + cap.err());
                assertTrue(cap.out().contains("mapped [2, 4]"), cap.out() + cap.err());
            }
        }
    }

    /** The pids the middle worker printed: its grandchild's, then its pool workers'. */
    private static List<Long> awaitDescendants(final OutputCapture cap) throws InterruptedException {
        Pattern line = Pattern.compile("descendants (\\d+) \\[([\\d, ]*)\\]");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(cap.out());
            if (m.find()) {
                List<Long> pids = new ArrayList<>();
                pids.add(Long.parseLong(m.group(1)));
                for (String p : m.group(2).split(",\\s*")) {
                    pids.add(Long.parseLong(p.trim()));
                }
                return pids;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the middle worker never printed its descendants: " + cap.out() + cap.err());
    }
}
