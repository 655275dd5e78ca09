package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import org.kernellib.mp.Multiprocessing;

/** Python's process semantics: close(), sentinels, current and parent process, subclasses. */
class ProcessSemanticsTest {

    @Test
    void everyWorkerMethodOfAClosedProcessRaisesNamingIt() {
        Process p = new Process(TestTasks::hello);
        p.start();
        p.join();
        p.close();
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("isAlive", p::isAlive);
        calls.put("join", () -> p.join());
        calls.put("join(ms)", () -> p.join(100));
        calls.put("terminate", p::terminate);
        calls.put("kill", p::kill);
        calls.put("exitCode", p::exitCode);
        calls.put("pid", p::pid);
        calls.put("sentinel", p::sentinel);
        calls.put("start", p::start);
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call.getValue(), call.getKey());
            assertTrue(e.getMessage().contains(p.name() + ": the process is closed"), call.getKey() + ": " + e.getMessage());
        }
        assertTrue(p.toString().contains("closed"), p.toString());
        p.close();   // a second close is harmless, as in Python
    }

    @Test
    void aProcessClosedBeforeStartRaisesTooAndANewOneStillWorks() {
        Process p = new Process(TestTasks::hello);
        p.close();
        assertThrows(IllegalStateException.class, p::isAlive);
        assertThrows(IllegalStateException.class, p::exitCode);
        assertTrue(assertThrows(IllegalStateException.class, p::pid).getMessage().contains("closed"));
    }

    @Test
    void theSentinelCompletesWhenTheWorkerEndsWithItsExitCodeKnown() throws Exception {
        Process p = new Process(TestTasks::sleepLong);
        assertTrue(assertThrows(IllegalStateException.class, p::sentinel).getMessage().contains("not started"));
        Process q = new Process(TestTasks::exitThree);
        p.start();
        q.start();
        CompletableFuture<Process> pEnd = p.sentinel();
        // Waiting on several processes at once, like connection.wait over sentinels.
        Object first = CompletableFuture.anyOf(pEnd, q.sentinel()).get(60, TimeUnit.SECONDS);
        assertSame(q, first);
        assertEquals(OptionalInt.of(3), q.exitCode());
        assertFalse(pEnd.isDone());
        pEnd.cancel(false);   // a caller's copy: cancelling it must not touch the process
        assertTrue(p.isAlive());
        p.kill();
        assertSame(p, p.sentinel().get(60, TimeUnit.SECONDS));
        assertEquals(OptionalInt.of(-9), p.exitCode());
        p.close();
        q.close();
    }

    @Test
    void currentProcessIsAliveAndCannotJoinItself() {
        ProcessInfo me = Multiprocessing.currentProcess();
        assertTrue(me.isAlive());
        assertTrue(me.exitCode().isEmpty());
        assertThrows(IllegalStateException.class, () -> me.join(Duration.ofMillis(10)));
    }

    /** Exits 0 when the worker sees its parent alive, with this JVM's pid and no exit code. */
    static void checkParent() throws InterruptedException {
        ProcessInfo parent = Multiprocessing.parentProcess().orElseThrow();
        boolean ok = parent.isAlive() && !parent.join(Duration.ofMillis(50)) && parent.exitCode().isEmpty()
                && Multiprocessing.currentProcess().isAlive();
        System.out.println("parent pid " + parent.pid());
        System.exit(ok ? 0 : 7);
    }

    @Test
    void aWorkerSeesItsParentAlive() {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(ProcessSemanticsTest::checkParent);
            p.start();
            p.join();
            assertEquals(OptionalInt.of(0), p.exitCode(), cap.err());
            assertTrue(cap.out().contains("parent pid " + ProcessHandle.current().pid()), cap.out());
        }
    }

    @Test
    void aProcessThatEndedIsSeenAsEndedThroughItsInfo() throws Exception {
        Process p = new Process(TestTasks::exitThree);
        p.start();
        p.join();
        ProcessInfo info = new ProcessInfo(p.name(), p.pid(), false);
        assertFalse(info.isAlive());
        assertTrue(info.join(Duration.ofSeconds(5)));
        p.close();
    }

    /** A subclass with its own run(), as Python allows: its fields travel to the worker. */
    static final class Rounds extends Process {
        private static final long serialVersionUID = 1L;
        int rounds = 1;
        String label = "unset";

        Rounds(final String name) {
            super(name);
        }

        @Override
        public void run() {
            System.out.println(label + " " + rounds + " in " + Multiprocessing.currentProcess().name());
            System.exit(rounds);
        }
    }

    @Test
    void aSubclassRunsItsOwnRunWithACopyOfItsFields() {
        try (OutputCapture cap = new OutputCapture()) {
            Rounds r = new Rounds("counter");
            r.rounds = 5;
            r.label = "set";
            r.start();
            r.rounds = 9;   // after start(): the worker has its copy already
            r.join();
            assertEquals(OptionalInt.of(5), r.exitCode(), cap.err());
            assertTrue(cap.out().contains("set 5 in counter"), cap.out());
            r.close();
        }
    }
}
