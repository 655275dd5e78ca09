package org.kernellib.mp.cpython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.kernellib.mp.Context;
import org.kernellib.mp.Multiprocessing;
import org.kernellib.mp.connection.Connection;
import org.kernellib.mp.connection.Connections;
import org.kernellib.mp.process.OutputLine;
import org.kernellib.mp.process.Process;
import org.kernellib.mp.process.ProcessInfo;
import org.kernellib.mp.shared.SharedState;
import org.kernellib.mp.shared.queue.Queue;
import org.kernellib.mp.shared.sync.Event;

/**
 * CPython's {@code _TestProcess} and {@code _TestSubclassingProcess} cases
 * ({@code Lib/test/_test_multiprocessing.py}), with the Java names. Each test names the case it
 * ports. Timings are never asserted (the machine may be loaded): waits that must end get a long
 * timeout, and the test checks what they returned.
 *
 * <p>Not ported: authkey, {@code set_executable}, {@code interrupt} (no SIGINT handler in a JVM
 * worker), the forkserver cases, fd inflation and weak references to the target (a JVM has no
 * such notions to check).
 */
class ProcessCasesTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    // ---- test_current -----------------------------------------------------------------------

    @Test
    void testCurrent() {
        ProcessInfo current = Multiprocessing.currentProcess();
        assertTrue(current.isAlive());
        assertFalse(current.daemon());
        assertEquals(ProcessHandle.current().pid(), current.pid());
        assertEquals(OptionalInt.empty(), current.exitCode());
    }

    // ---- test_daemon_argument ---------------------------------------------------------------

    @Test
    void testDaemonArgument() {
        Process proc0 = new Process(() -> { });
        assertEquals(Multiprocessing.currentProcess().daemon(), proc0.isDaemon());
        assertTrue(new Process(() -> { }).daemon(true).isDaemon());
        assertFalse(new Process(() -> { }).daemon(false).isDaemon());
    }

    // ---- test_parent_process_attributes -----------------------------------------------------

    @Test
    void testParentProcessAttributes() {
        assertEquals(Optional.empty(), Multiprocessing.parentProcess());
        Connection[] rw = SharedState.pipe(false);
        Connection wconn = rw[1];
        Process p = new Process(() -> {
            ProcessInfo parent = Multiprocessing.parentProcess().orElseThrow();
            wconn.send(List.of(parent.pid(), parent.name()));
        });
        p.start();
        p.join();
        List<?> parent = (List<?>) rw[0].recv();
        assertEquals(Multiprocessing.currentProcess().pid(), parent.get(0));
        assertEquals(ProcessHandle.current().pid(), parent.get(0));
        assertEquals(Multiprocessing.currentProcess().name(), parent.get(1));
    }

    // ---- test_parent_process ----------------------------------------------------------------

    /**
     * The grandchild sees its parent alive, then the parent terminated. A difference on purpose:
     * a worker ends with its parent (so that no worker outlives the kernel), so the grandchild
     * may report "not alive" or may already be gone; either way it does not outlive its parent.
     */
    @Test
    void testParentProcess() throws Exception {
        Connection[] rw = SharedState.pipe(false);
        Connection wconn = rw[1];
        Process p = new Process(() -> {
            Process grandchild = new Process(() -> {
                ProcessInfo parent = Multiprocessing.parentProcess().orElseThrow();
                wconn.send(List.of(parent.isAlive() ? "alive" : "not alive", ProcessHandle.current().pid()));
                parent.join(Duration.ofSeconds(60));
                wconn.send(List.of(parent.isAlive() ? "alive" : "not alive", ProcessHandle.current().pid()));
            });
            grandchild.start();
            Thread.sleep(300_000);
        });
        p.start();
        assertTrue(rw[0].poll(LONG), "could not communicate with the child process");
        List<?> status = (List<?>) rw[0].recv();
        assertEquals("alive", status.get(0));
        long grandchildPid = (Long) status.get(1);
        p.terminate();
        p.join();
        Optional<ProcessHandle> grandchild = ProcessHandle.of(grandchildPid);
        if (grandchild.isPresent()) {
            grandchild.get().onExit().get(120, TimeUnit.SECONDS);
        }
        if (rw[0].poll(Duration.ofSeconds(1))) {
            assertEquals("not alive", ((List<?>) rw[0].recv()).get(0));
        }
    }

    // ---- test_process -----------------------------------------------------------------------

    @Test
    void testProcess() {
        Queue<Object> q = SharedState.queue(1);
        List<Object> args = List.of(1, 2);
        Process p = new Process("SomeProcess", () -> {
            q.put(args);
            q.put(Multiprocessing.currentProcess().name());
            q.put(Multiprocessing.currentProcess().pid());
        }).daemon(true);
        assertFalse(p.isAlive());
        assertTrue(p.isDaemon());
        assertFalse(Multiprocessing.activeChildren().contains(p));
        assertTrue(Multiprocessing.activeChildren() instanceof List);
        assertEquals(OptionalInt.empty(), p.exitCode());

        p.start();

        assertEquals(OptionalInt.empty(), p.exitCode());
        assertTrue(p.isAlive());
        assertTrue(Multiprocessing.activeChildren().contains(p));

        assertEquals(args, q.get());
        assertEquals(p.name(), q.get());
        assertEquals(p.pid(), q.get());

        p.join();

        assertEquals(OptionalInt.of(0), p.exitCode());
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    // ---- _kill_process, test_terminate, test_kill -------------------------------------------

    private static OptionalInt killProcess(final boolean kill) {
        Event event = SharedState.event();
        Process p = new Process(() -> {
            event.set();
            Thread.sleep(100_000);
        }).daemon(true);
        p.start();
        assertTrue(p.isAlive());
        assertTrue(Multiprocessing.activeChildren().contains(p));
        assertEquals(OptionalInt.empty(), p.exitCode());

        assertFalse(p.join(0));
        assertTrue(p.isAlive());
        assertFalse(p.join(-1));
        assertTrue(p.isAlive());

        if (!event.await(LONG)) {
            p.kill();
            p.join();
            throw new AssertionError("event not signaled in " + LONG);
        }
        if (kill) {
            p.kill();
        } else {
            p.terminate();
        }
        assertTrue(p.join(LONG), "join took too long: " + p);
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
        p.join();
        return p.exitCode();
    }

    @Test
    void testTerminate() {
        assertEquals(OptionalInt.of(-15), killProcess(false));
    }

    @Test
    void testKill() {
        assertEquals(OptionalInt.of(-9), killProcess(true));
    }

    // ---- test_cpu_count ---------------------------------------------------------------------

    @Test
    void testCpuCount() {
        assertTrue(Multiprocessing.cpuCount() >= 1);
    }

    // ---- test_active_children ---------------------------------------------------------------

    @Test
    void testActiveChildren() {
        Event event = SharedState.event();
        Process p = new Process(() -> event.await()).daemon(true);
        assertFalse(Multiprocessing.activeChildren().contains(p));
        try {
            p.start();
            assertTrue(Multiprocessing.activeChildren().contains(p));
        } finally {
            event.set();
        }
        p.join();
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    // ---- test_recursion ---------------------------------------------------------------------

    static void recursion(final Connection wconn, final List<Integer> id) {
        wconn.send(id);
        if (id.size() < 2) {
            for (int i = 0; i < 2; i++) {
                List<Integer> childId = new ArrayList<>(id);
                childId.add(i);
                Process p = new Process(() -> recursion(wconn, childId));
                p.start();
                p.join();
            }
        }
    }

    @Test
    void testRecursion() {
        Connection[] rw = SharedState.pipe(false);
        recursion(rw[1], List.of());
        List<Object> result = new ArrayList<>();
        while (rw[0].poll()) {
            result.add(rw[0].recv());
        }
        assertEquals(List.of(List.of(), List.of(0), List.of(0, 0), List.of(0, 1), List.of(1), List.of(1, 0),
                List.of(1, 1)), result);
    }

    // ---- test_sentinel ----------------------------------------------------------------------

    @Test
    void testSentinel() {
        Event event = SharedState.event();
        Process p = new Process(() -> event.await(10.0));
        assertThrows(IllegalStateException.class, p::sentinel); // Python: ValueError
        p.start();
        CompletableFuture<Process> sentinel = p.sentinel();
        assertEquals(List.of(), Connections.wait(List.of(sentinel), 0.0));
        event.set();
        p.join();
        assertEquals(List.of(sentinel), Connections.wait(List.of(sentinel), LONG));
    }

    // ---- test_close -------------------------------------------------------------------------

    @Test
    void testClose() {
        Queue<Object> q = SharedState.queue();
        Process p = new Process(() -> {
            q.get();
            System.exit(0);
        }).daemon(true);
        p.start();
        assertTrue(p.isAlive());
        assertThrows(IllegalStateException.class, p::close); // still alive: Python's ValueError
        q.put("");
        p.join();
        assertFalse(p.isAlive());
        assertEquals(OptionalInt.of(0), p.exitCode());
        p.close();
        assertThrows(IllegalStateException.class, p::isAlive);
        assertThrows(IllegalStateException.class, () -> p.join());
        assertThrows(IllegalStateException.class, p::terminate);
        p.close();
    }

    // ---- test_many_processes ----------------------------------------------------------------

    @Test
    void testManyProcesses() {
        int n = 5; // CPython uses 5 for spawn
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            procs.add(new Process(() -> Thread.sleep(10)));
        }
        procs.forEach(Process::start);
        procs.forEach(p -> assertTrue(p.join(LONG)));
        procs.forEach(p -> assertEquals(OptionalInt.of(0), p.exitCode()));

        procs.clear();
        for (int i = 0; i < n; i++) {
            procs.add(new Process(() -> Thread.sleep(100_000)));
        }
        procs.forEach(Process::start);
        procs.forEach(Process::terminate);
        procs.forEach(p -> assertTrue(p.join(LONG)));
        procs.forEach(p -> assertEquals(OptionalInt.of(-15), p.exitCode()));
    }

    // ---- test_wait_for_threads --------------------------------------------------------------

    @Test
    void testWaitForThreads() {
        Event evt = SharedState.event();
        Process proc = new Process(() -> {
            new Thread(() -> {
                sleep(500);
                evt.set();
            }).start();
            Thread daemon = new Thread(() -> {
                sleep(20_000);
                evt.clear();
            });
            daemon.setDaemon(true);
            daemon.start();
        });
        proc.start();
        proc.join();
        assertTrue(evt.isSet());
    }

    // ---- test_error_on_stdio_flush_2 --------------------------------------------------------

    @Test
    void testErrorOnStdioFlush2() {
        for (String stream : List.of("stdout", "stderr")) {
            Event evt = SharedState.event();
            Process proc = new Process(() -> {
                PrintStream s = stream.equals("stdout") ? System.out : System.err;
                s.close();
                evt.set();
            });
            proc.start();
            proc.join();
            assertTrue(evt.isSet(), stream);
            assertEquals(OptionalInt.of(0), proc.exitCode(), stream);
        }
    }

    // ---- test_sys_exit ----------------------------------------------------------------------

    @Test
    void testSysExit() {
        Process raising = new Process(() -> {
            throw new IllegalStateException("ignore this");
        }).daemon(true);
        raising.start();
        raising.join();
        assertEquals(OptionalInt.of(1), raising.exitCode(), "an uncaught exception: 1, as in Python");
        for (int[] c : new int[][] {{1, 1}, {0, 0}, {8, 8}}) {
            int code = c[0];
            Process p = new Process(() -> System.exit(code)).daemon(true);
            p.start();
            p.join();
            assertEquals(OptionalInt.of(c[1]), p.exitCode());
        }
        Process plain = new Process(() -> { }).daemon(true);
        plain.start();
        plain.join();
        assertEquals(OptionalInt.of(0), plain.exitCode());
    }

    // ---- _TestSubclassingProcess.test_stderr_flush ------------------------------------------

    static int divide(final int x) {
        return 1 / x; // MARKER
    }

    @Test
    void testStderrFlush() {
        Process proc = new Process(() -> System.out.println(divide(0)));
        proc.start();
        proc.join();
        assertEquals(OptionalInt.of(1), proc.exitCode());
        String err = proc.output().stream().filter(l -> l.stream().equals("stderr")).map(OutputLine::text)
                .collect(Collectors.joining("\n"));
        // the whole trace was printed before the worker ended
        assertTrue(err.contains("ArithmeticException"), err);
        assertTrue(err.contains("divide"), err);
    }

    // ---- TestStartMethod.test_context, test_get_all -----------------------------------------

    @Test
    void testStartMethodContext() {
        for (String method : Multiprocessing.getAllStartMethods()) {
            Context ctx = Multiprocessing.getContext(method);
            assertEquals(method, ctx.getStartMethod());
            Process p = ctx.process(() -> { });
            p.start();
            p.join();
            assertEquals(OptionalInt.of(0), p.exitCode(), method);
        }
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.getContext("fork"));
        assertEquals(List.of("spawn", "prestart"), Multiprocessing.getAllStartMethods());
    }

    @Test
    void testStartMethodSetGet() {
        String oldMethod = Multiprocessing.getStartMethod();
        int count = 0;
        try {
            for (String method : List.of("fork", "spawn", "forkserver", "prestart")) {
                try {
                    Multiprocessing.setStartMethod(method);
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage().contains("spawn"), "the error lists the valid methods: " + e.getMessage());
                    continue;
                }
                String canonical = method.equals("forkserver") ? "prestart" : method;
                assertEquals(canonical, Multiprocessing.getStartMethod());
                assertEquals(canonical, Multiprocessing.getContext().getStartMethod());
                Process p = new Process(() -> { });
                p.start();
                p.join();
                assertEquals(OptionalInt.of(0), p.exitCode(), method);
                count++;
            }
        } finally {
            Multiprocessing.setStartMethod(oldMethod);
        }
        assertEquals(3, count);
    }

    // ---- _TestSubclassingProcess.test_subclassing -------------------------------------------

    static final class UpperCaser extends Process implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Connection childConn;
        private final Connection parentConn;

        UpperCaser() {
            Connection[] pair = SharedState.pipe();
            this.childConn = pair[0];
            this.parentConn = pair[1];
        }

        @Override
        public void run() {
            parentConn.close();
            for (Object s = childConn.recv(); s != null; s = childConn.recv()) {
                childConn.send(((String) s).toUpperCase());
            }
            childConn.close();
        }

        String submit(final String s) {
            parentConn.send(s);
            return (String) parentConn.recv();
        }

        void stop() {
            parentConn.send(null);
            parentConn.close();
            childConn.close();
        }
    }

    @Test
    void testSubclassing() {
        UpperCaser uppercaser = new UpperCaser();
        uppercaser.daemon(true);
        uppercaser.start();
        assertEquals("HELLO", uppercaser.submit("hello"));
        assertEquals("WORLD", uppercaser.submit("world"));
        uppercaser.stop();
        uppercaser.join();
        assertEquals(OptionalInt.of(0), uppercaser.exitCode());
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
