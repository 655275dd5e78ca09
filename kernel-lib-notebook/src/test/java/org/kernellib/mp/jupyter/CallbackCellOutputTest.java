package org.kernellib.mp.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a callback's output goes, with JJava's own streams and a stand-in for a cell's reply
 * environment: the cell running when it prints, else the cell that submitted it; the kernel's own
 * stream for everything else printed between cells. The real kernel does the same in
 * {@code tests/test_cell_code.py}.
 */
class CallbackCellOutputTest {
    /** JJava's streams, with the cell attachment a kernel makes for each cell. */
    static final class Io extends JupyterIO {
        Io() {
            super(StandardCharsets.UTF_8);
        }

        void cellStarts(final ShellReplyEnvironment cell) {
            setEnv(cell);
        }

        void cellEnds(final ShellReplyEnvironment cell) {
            retractEnv(cell);
        }
    }

    /** A cell's reply environment that keeps what would be published to the cell. */
    static final class Cell extends ShellReplyEnvironment {
        final StringBuffer stdout = new StringBuffer();
        final StringBuffer stderr = new StringBuffer();

        Cell() {
            super(null, null, null, null);
        }

        @Override
        public void writeToStdOut(final String msg) {
            stdout.append(msg);
        }

        @Override
        public void writeToStdErr(final String msg) {
            stderr.append(msg);
        }
    }

    private final PrintStream realOut = System.out;
    private final PrintStream realErr = System.err;
    private final ByteArrayOutputStream kernelLog = new ByteArrayOutputStream();
    private PrintStream kernelStream;

    @BeforeEach
    void kernelBetweenCells() {
        kernelStream = new PrintStream(kernelLog, true, StandardCharsets.UTF_8);
        System.setOut(kernelStream);
        System.setErr(kernelStream);
    }

    @AfterEach
    void restore() {
        System.setOut(realOut);
        System.setErr(realErr);
    }

    /** Runs {@code routing.run(captured, print)} on another thread, as the result handler does. */
    private static void runOnHandlerThread(final CallbackCellOutput routing, final Object captured, final Runnable print)
            throws InterruptedException {
        Thread t = new Thread(() -> routing.run(captured, print), "Pool-1-result-handler");
        t.start();
        t.join(10_000);
    }

    @Test
    void whileNoCellRunsACallbackPrintsToTheCellThatSubmittedItAndOthersToTheKernelsStream() throws Exception {
        Io io = new Io();
        CallbackCellOutput routing = CallbackCellOutput.of(io);
        assertNotNull(routing, "this JJava keeps its cell streams where the routing looks");
        Cell submitting = new Cell();
        io.cellStarts(submitting);
        Object captured = routing.capture();
        assertSame(submitting, captured, "a submission made while a cell runs captures that cell");
        io.cellEnds(submitting);
        assertNull(routing.capture(), "no cell runs");

        runOnHandlerThread(routing, captured, () -> {
            System.out.println("late callback");
            System.err.println("late report");
        });
        System.out.println("a background thread between cells");

        assertEquals("late callback\n", submitting.stdout.toString());
        assertEquals("late report\n", submitting.stderr.toString());
        assertEquals("a background thread between cells\n", kernelLog.toString(StandardCharsets.UTF_8),
                "what is not a callback's goes where it went before");
    }

    @Test
    void whileACellRunsACallbackPrintsToThatCell() throws Exception {
        Io io = new Io();
        CallbackCellOutput routing = CallbackCellOutput.of(io);
        Cell submitting = new Cell();
        io.cellStarts(submitting);
        Object captured = routing.capture();
        io.cellEnds(submitting);

        Cell running = new Cell();
        io.cellStarts(running);
        System.setOut(io.out); // as JJava does for each cell
        runOnHandlerThread(routing, captured, () -> System.out.println("callback during another cell"));
        io.cellEnds(running);
        System.setOut(kernelStream);

        assertEquals("callback during another cell\n", running.stdout.toString());
        assertEquals("", submitting.stdout.toString());
        assertEquals("", kernelLog.toString(StandardCharsets.UTF_8));
    }
}
