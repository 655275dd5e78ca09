package org.kernellib.mp.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.Multiprocessing;

/** The API from an ordinary Java program: classes come from the class path, nothing is shipped. */
class PlainJavaProcessTest {

    @Test
    void runsMethodReferenceAndCapturedValueInAnotherJvm() {
        String greeting = "captured";
        try (OutputCapture cap = new OutputCapture()) {
            Process a = new Process(TestTasks::hello);
            Process b = new Process("custom", () -> System.out.println(greeting + " in "
                    + ProcessHandle.current().pid()));
            a.start();
            b.start();
            assertTrue(a.name().startsWith("Process-"), a.name());
            assertEquals("custom", b.name());
            assertTrue(a.pid() != ProcessHandle.current().pid());
            a.join();
            b.join();
            assertEquals(OptionalInt.of(0), a.exitCode());
            assertEquals(OptionalInt.of(0), b.exitCode());
            assertTrue(cap.out().contains("hello from " + a.name() + " child of MainProcess"), cap.out());
            assertTrue(cap.out().contains("captured in " + b.pid()), cap.out());
            assertFalse(a.isAlive());
        }
    }

    @Test
    void anUnjoinedWorkerIsReapedWhenItEnds() throws Exception {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::hello).daemon(true);
            assertTrue(p.isDaemon());
            p.start();
            long end = System.nanoTime() + 10_000_000_000L;
            while (Multiprocessing.activeChildren().contains(p) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertFalse(Multiprocessing.activeChildren().contains(p));
            assertEquals(OptionalInt.of(0), p.exitCode());
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> p.daemon(false));
            assertTrue(late.getMessage().contains("after start()"), late.getMessage());
        }
    }

    @Test
    void outputArrivesLiveAndOutlivesAKill() throws Exception {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::lastWordsThenSleep);
            p.start();
            long end = System.nanoTime() + 10_000_000_000L;
            while (!(cap.out().contains("last words") && cap.err().contains("error words"))
                    && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(p.isAlive(), "the worker should still be sleeping");
            assertTrue(cap.out().contains("last words"), "stdout must be relayed while the worker runs");
            assertTrue(cap.err().contains("error words") && !cap.out().contains("error words"), "stderr stays stderr");
            p.kill();
            p.join();
            assertEquals(OptionalInt.of(-9), p.exitCode());
        }
    }

    @Test
    void aWorkerCanStartItsOwnWorker() {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::nested);
            p.start();
            p.join();
            assertEquals(OptionalInt.of(0), p.exitCode(), cap.err());
            assertTrue(cap.out().contains("hello from " + p.name() + ":1 child of " + p.name()), cap.out() + cap.err());
        }
    }

    @Test
    void exitCodesFollowPython() throws Exception {
        try (OutputCapture cap = new OutputCapture()) {
            Process exit3 = new Process(TestTasks::exitThree);
            Process term = new Process(TestTasks::sleepLong);
            Process kill = new Process(TestTasks::sleepLong);
            exit3.start();
            term.start();
            kill.start();
            assertEquals(OptionalInt.empty(), term.exitCode());
            assertTrue(term.isAlive());
            term.terminate();
            kill.kill();
            exit3.join();
            term.join();
            kill.join();
            assertEquals(OptionalInt.of(3), exit3.exitCode());
            assertEquals(OptionalInt.of(-15), term.exitCode());
            assertEquals(OptionalInt.of(-9), kill.exitCode());
        }
    }

    @Test
    void startTwiceAndCloseWhileRunningAreErrors() {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::sleepLong);
            assertThrows(IllegalStateException.class, p::pid);
            p.start();
            IllegalStateException twice = assertThrows(IllegalStateException.class, p::start);
            assertTrue(twice.getMessage().contains("already started"), twice.getMessage());
            IllegalStateException close = assertThrows(IllegalStateException.class, p::close);
            assertTrue(close.getMessage().contains("still running"), close.getMessage());
            assertTrue(Multiprocessing.activeChildren().contains(p));
            assertFalse(p.join(Duration.ofMillis(50)));
            p.kill();
            p.join();
            p.close();
            assertFalse(Multiprocessing.activeChildren().contains(p));
        }
    }

    @Test
    void interruptedJoinStopsTheWorkersWithinOneSecond() throws Exception {
        try (OutputCapture cap = new OutputCapture()) {
            AtomicReference<Process> proc = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread cell = new Thread(() -> {
                Process p = new Process(TestTasks::sleepLong);
                p.start();
                proc.set(p);
                try {
                    p.join();
                } catch (RuntimeException e) {
                    thrown.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            cell.start();
            while (proc.get() == null) {
                Thread.sleep(10);
            }
            long pid = proc.get().pid();
            Thread.sleep(200);
            long t0 = System.nanoTime();
            cell.interrupt();
            cell.join(5000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(cell.isAlive());
            assertTrue(ms < 1000, "join returned after " + ms + " ms");
            assertTrue(thrown.get() instanceof JoinInterruptedException, String.valueOf(thrown.get()));
            assertTrue(thrown.get().getMessage().contains("pid " + pid), thrown.get().getMessage());
            assertTrue(flag.get(), "interrupt flag restored");
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker still alive");
        }
    }

    @Test
    void workerExitsWhenItsParentIsKilled() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        java.lang.Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OrphanParentMain.class.getName()).redirectErrorStream(true).start();
        long workerPid;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null && !line.startsWith("worker-pid ")) {
                // skip anything else
            }
            assertTrue(line != null, "the parent never printed the worker pid");
            workerPid = Long.parseLong(line.substring("worker-pid ".length()).trim());
            assertTrue(ProcessHandle.of(workerPid).isPresent(), "worker should be running");
            parent.destroyForcibly(); // SIGKILL: no shutdown hooks in the parent
            parent.waitFor();
        }
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end && ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false)) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false),
                "worker " + workerPid + " outlived its SIGKILLed parent by 2 s");
    }

    @Test
    void twoWorkersPrintingInterleave() {
        try (OutputCapture cap = new OutputCapture()) {
            Process a = new Process(() -> tick("A"));
            Process b = new Process(() -> tick("B"));
            a.start();
            b.start();
            a.join();
            b.join();
            List<String> lines = cap.out().lines().filter(l -> l.startsWith("tick ")).toList();
            assertEquals(16, lines.size(), lines.toString());
            int firstB = lines.indexOf("tick B0");
            int lastA = lines.indexOf("tick A7");
            assertTrue(firstB < lastA, "output did not interleave: " + lines);
        }
    }

    static void tick(final String who) throws InterruptedException {
        for (int i = 0; i < 8; i++) {
            System.out.println("tick " + who + i);
            Thread.sleep(200);
        }
    }


    @Test
    void binaryStderrPassesThroughByteForByteNextToTheControlFrames() {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::printJunkToStderr);
            p.start();
            p.join();
            assertEquals(OptionalInt.of(0), p.exitCode(), "the DONE frame must still be found");
            assertArrayEquals(TestTasks.junk(), cap.errBytes());
        }
    }

    @Test
    void aTaskSentByNameThrowsItsOwnExceptionNotAReflectionWrapper() {
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::throwChecked);
            p.start();
            p.join();
            assertEquals(OptionalInt.of(1), p.exitCode());
            assertTrue(cap.err().contains("java.io.IOException: checked boom"), cap.err());
            assertTrue(cap.err().contains("\tat org.kernellib.mp.process.TestTasks.throwChecked(TestTasks.java:"), cap.err());
            assertFalse(cap.err().contains("InvocationTargetException"), cap.err());
        }
    }

    @Test
    void aTaskThatCannotBeSentLeavesNoWorkerBehind() throws Exception {
        Multiprocessing.setStartMethod("spawn");
        Object notSerializable = new Object();
        Process p = new Process(() -> System.out.println(notSerializable));
        ProcessStartException e = assertThrows(ProcessStartException.class, p::start);
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        // spawn boots the JVM while the task is serialized; that JVM must be gone again
        long end = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.current().children().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).toList());
    }

    @Test
    void aWorkerKilledFromOutsideBeforeItsTaskIsNamedAsKilled() {
        // A cold worker's JVM boots for tens of milliseconds after start() returns, so a kill right
        // after start() lands before the task runs (the first start in a JVM is slow enough to lose
        // that race, hence a warm-up and a few tries). The report must name the signal, not a
        // JVM failure with code 137.
        Multiprocessing.setStartMethod("spawn");
        Process warmUp = new Process(TestTasks::hello);
        warmUp.start();
        warmUp.join();
        try (OutputCapture cap = new OutputCapture()) {
            for (int attempt = 0; attempt < 5 && !cap.err().contains("before it could"); attempt++) {
                Process p = new Process(TestTasks::hello);
                p.start();
                ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
                p.join();
                assertEquals(OptionalInt.of(-9), p.exitCode());
            }
            String report = cap.err();
            assertTrue(report.contains(") was killed by signal 9 (SIGKILL), exit code -9 before it could run its task"),
                    report);
            assertFalse(report.contains("exited with code 137"), report);
        }
    }

    @Test
    void aWorkerJvmThatCannotStartIsExplained() {
        String old = System.getProperty("kernellib.worker.jvmArgs");
        System.setProperty("kernellib.worker.jvmArgs", "-XX:+NoSuchKernelLibTestFlag");
        try (OutputCapture cap = new OutputCapture()) {
            Process p = new Process(TestTasks::hello);
            // The JVM dies at once; whether before or after the task reached its pipe is a race,
            // so either start() or join() reports it, and either way the report says what happened.
            String report;
            try {
                p.start();
                p.join();
                assertEquals(OptionalInt.of(1), p.exitCode());
                report = cap.err();
                assertTrue(report.contains("the worker JVM of " + p.name()), report);
            } catch (ProcessStartException e) {
                report = e.getMessage();
                assertTrue(report.contains("the worker JVM (pid ") && report.contains("exited with code 1"), report);
            }
            assertTrue(report.contains("before it could") && report.contains("-XX:+NoSuchKernelLibTestFlag"), report);
            assertTrue(cap.err().contains("NoSuchKernelLibTestFlag"), "the JVM's own message: " + cap.err());
        } finally {
            if (old == null) {
                System.clearProperty("kernellib.worker.jvmArgs");
            } else {
                System.setProperty("kernellib.worker.jvmArgs", old);
            }
        }
    }
}
