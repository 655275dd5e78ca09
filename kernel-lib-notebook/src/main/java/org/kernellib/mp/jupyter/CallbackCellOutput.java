package org.kernellib.mp.jupyter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import org.dflib.jjava.jupyter.channels.JupyterOutputStream;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.kernellib.mp.pool.CallbackOutput;

/**
 * Sends what a pool's callback prints to a cell (see {@link CallbackOutput}): to the cell that is
 * running when it prints, so to the cell that submitted the call while that cell runs, as ipykernel
 * does with a thread's output by default; and while no cell runs, to the cell that submitted the
 * call (its output area), where JJava alone would send it to the kernel's own log, which no one
 * sees.
 *
 * <p>How. JJava points {@code System.out} at its cell stream only while a cell runs, and at the
 * kernel's own stdout in between. So before a callback runs while no cell does, {@code System.out}
 * (and {@code System.err}) become a {@link Routed} stream: a thread running a callback publishes
 * through the submitting cell's reply environment (JJava's, taken from its stream when the call
 * was submitted), any other thread writes where it wrote before. JJava saves and restores
 * {@code System.out} around each cell, so the routed stream stays in place between cells; should
 * it come to stand in a cell's place, it sends everything to the running cell, as JJava's would.
 * A JJava whose stream keeps its environment elsewhere gets no routing (callbacks print as before).
 */
final class CallbackCellOutput implements CallbackOutput.Routing {
    /** The cell a callback running on this thread prints to while no cell runs; null on other threads. */
    private static final ThreadLocal<ShellReplyEnvironment> SUBMITTER = new ThreadLocal<>();

    private final JupyterOutputStream cellOut;
    private final JupyterOutputStream cellErr;
    private final PrintStream cellOutPrint;
    private final PrintStream cellErrPrint;
    private final Field env;

    private CallbackCellOutput(final JupyterIO io) throws ReflectiveOperationException {
        this.cellOut = (JupyterOutputStream) accessible(JupyterIO.class, "jupyterOut").get(io);
        this.cellErr = (JupyterOutputStream) accessible(JupyterIO.class, "jupyterErr").get(io);
        this.cellOutPrint = io.out;
        this.cellErrPrint = io.err;
        this.env = accessible(JupyterOutputStream.class, "env");
    }

    /** Routes callback output in this kernel; false if this JJava keeps its streams elsewhere. */
    static boolean install(final BaseKernel kernel) {
        CallbackCellOutput routing = of(kernel.getIO());
        if (routing != null) {
            CallbackOutput.routeBy(routing);
        }
        return routing != null;
    }

    /** The routing for the cells that {@code io} writes to; null if this JJava keeps its streams elsewhere. */
    static CallbackCellOutput of(final JupyterIO io) {
        try {
            return new CallbackCellOutput(io);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field accessible(final Class<?> type, final String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** The running cell's reply environment, or null when no cell runs. */
    @Override
    public Object capture() {
        try {
            return env.get(cellOut);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    @Override
    public void run(final Object captured, final Runnable callback) {
        if (!(captured instanceof ShellReplyEnvironment submitter)) {
            callback.run();
            return;
        }
        System.setOut(routed(System.out, cellOutPrint, cellOut, ShellReplyEnvironment::writeToStdOut));
        System.setErr(routed(System.err, cellErrPrint, cellErr, ShellReplyEnvironment::writeToStdErr));
        SUBMITTER.set(submitter);
        try {
            callback.run();
        } finally {
            System.out.flush();
            System.err.flush();
            SUBMITTER.remove();
        }
    }

    /**
     * {@code current}, or a routed stream in place of the kernel's own: a cell's stream and a routed
     * one stay (installing over a cell's stream would be harmless, but is not needed).
     */
    private static PrintStream routed(final PrintStream current, final PrintStream cellPrint, final JupyterOutputStream cell,
            final BiConsumer<ShellReplyEnvironment, String> publish) {
        if (current == cellPrint || current instanceof Routed) {
            return current;
        }
        return new Routed(new RoutingStream(current, cellPrint, cell, publish));
    }

    /** The stream {@code System.out} or {@code System.err} is while routed; a type of its own to be recognised. */
    private static final class Routed extends PrintStream {
        Routed(final RoutingStream to) {
            super(to, true, StandardCharsets.UTF_8);
        }
    }

    /** Chooses, per write, the running cell, the submitting cell of a callback, or the kernel's stream. */
    private static final class RoutingStream extends OutputStream {
        private final PrintStream kernel;
        private final PrintStream cellPrint;
        private final JupyterOutputStream cell;
        private final BiConsumer<ShellReplyEnvironment, String> publish;
        /** Per callback thread: its bytes until a flush publishes them to its cell. */
        private final ThreadLocal<JupyterOutputStream> buffers = new ThreadLocal<>();

        RoutingStream(final PrintStream kernel, final PrintStream cellPrint, final JupyterOutputStream cell,
                final BiConsumer<ShellReplyEnvironment, String> publish) {
            this.kernel = kernel;
            this.cellPrint = cellPrint;
            this.cell = cell;
            this.publish = publish;
        }

        private OutputStream target() {
            if (cell.isAttached()) {
                return cellPrint; // a cell runs: it gets everything, as under JJava alone
            }
            ShellReplyEnvironment submitter = SUBMITTER.get();
            if (submitter == null) {
                return kernel;
            }
            JupyterOutputStream b = buffers.get();
            if (b == null) {
                b = new JupyterOutputStream(submitter, publish);
                buffers.set(b);
            } else {
                b.setEnv(submitter);
            }
            return b;
        }

        @Override
        public void write(final int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            JupyterOutputStream b = buffers.get();
            if (b != null) {
                b.flush(); // what this thread wrote to its cell, wherever the next write goes
            }
            target().flush();
        }
    }
}
