package org.kernellib.mp.jupyter;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * One execution of a cell, the unit whose workers an interrupt stops (see
 * {@link org.kernellib.mp.process.Executions}). Named by JJava's execution count, the number the
 * front end shows as {@code [7]}.
 *
 * <p>Why not the thread: JJava runs every cell on the same executor thread, so the thread cannot
 * tell cell 3's background worker from cell 7's. A thread runs a cell when one of its frames is
 * the {@code do_it$} method of a JShell wrapper class: that is how JShell runs every snippet, and
 * a thread the cell started (a lambda in a {@code new Thread}) never has that frame, so such
 * threads keep the thread as their identity. The count is JJava's protected
 * {@code BaseKernel.executionCount}, which the kernel bumps before it evaluates a cell; JJava
 * offers no hook that runs before each cell.
 */
record CellExecution(int count) {
    /** The name JShell gives the method that runs a snippet's statements. */
    private static final String SNIPPET_METHOD = "do_it$";
    private static final String SNIPPET_CLASS_PREFIX = "REPL.$JShell$";

    /**
     * The identity of a unit of work: the running cell on a thread that runs one, else the
     * thread.
     *
     * @param next the kernel's {@link #executionCounter}
     */
    static Supplier<Object> identities(final AtomicInteger next) {
        return () -> runsACell() ? running(next) : Thread.currentThread();
    }

    /** The cell the kernel is executing, from its counter (see {@link #executionCounter}). */
    static CellExecution running(final AtomicInteger next) {
        // The kernel takes the count with getAndIncrement() before evaluating, so during a cell
        // the counter is one past that cell's number.
        return new CellExecution(next.get() - 1);
    }

    /** JJava's count of executions; null when this JJava keeps none where we look. */
    static AtomicInteger executionCounter(final BaseKernel kernel) {
        try {
            Field f = BaseKernel.class.getDeclaredField("executionCount");
            f.setAccessible(true);
            Object v = f.get(kernel);
            return v instanceof AtomicInteger ? (AtomicInteger) v : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean runsACell() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> SNIPPET_METHOD.equals(f.getMethodName())
                && f.getClassName().startsWith(SNIPPET_CLASS_PREFIX)));
    }

    @Override
    public String toString() {
        return "cell [" + count + "]";
    }
}
