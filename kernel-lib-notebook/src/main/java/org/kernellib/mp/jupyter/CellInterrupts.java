package org.kernellib.mp.jupyter;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.kernellib.mp.process.Executions;

/**
 * Tells kernel-lib which cell Jupyter interrupts, so that the workers that cell started stop
 * whatever the cell is blocked in.
 *
 * <p>JJava runs each snippet of a cell as a task on its own executor and interrupts a cell by
 * cancelling that task's future ({@code cancel(true)}: an interrupt of the thread). A cell blocked
 * in {@code join()} sees that interrupt in kernel-lib, which stops the cell's workers; a cell in
 * {@code Thread.sleep}, a queue's {@code get} or a busy loop never does, and its workers would run
 * on. JJava offers no hook for an interrupt, so this executor is put in place of JJava's own
 * (the field {@code JavaKernel.evaluator.execControl.executor}): it runs every task on JJava's
 * executor unchanged, and its futures, when cancelled, also call {@link Executions#interrupted}
 * for the cell that was running when the task was submitted. A JJava whose fields are not where
 * we look keeps its executor, and only an interrupted {@code join()} stops workers, as before.
 *
 * <p>JJava's interrupt cancels only the futures it holds ({@code execControl.running}); one that
 * comes while JShell compiles the cell's next statement finds none, and the cell would run on and
 * block. So that map is replaced too, by one that notes an interrupt that found it empty: the
 * next task of the same cell is then cancelled before it runs (if none comes, the kernel was idle
 * and nothing happens; the next cell has another number).
 */
final class CellInterrupts extends AbstractExecutorService {
    private final ExecutorService jjava;
    private final Supplier<CellExecution> runningCell;
    /** The cell that an interrupt found between two of its snippets, until its next one starts. */
    private volatile CellExecution interruptedBetweenSnippets;

    private CellInterrupts(final ExecutorService jjava, final Supplier<CellExecution> runningCell) {
        this.jjava = jjava;
        this.runningCell = runningCell;
    }

    /**
     * Puts itself between JJava and its executor; false if this JJava keeps it elsewhere.
     *
     * @param runningCell the cell the kernel is executing, asked on the thread that submits a snippet
     */
    static boolean install(final BaseKernel kernel, final Supplier<CellExecution> runningCell) {
        try {
            Object evaluator = read(kernel, "evaluator");
            Object control = read(evaluator, "execControl");
            Field f = field(control.getClass(), "executor");
            Object executor = f.get(control);
            if (!(executor instanceof ExecutorService) || executor instanceof CellInterrupts) {
                return executor instanceof CellInterrupts;
            }
            // Final fields: writable through reflection for a class on the class path (not a
            // record or hidden class), on Java 17 to 25.
            CellInterrupts interrupts = new CellInterrupts((ExecutorService) executor, runningCell);
            Field running = field(control.getClass(), "running");
            if (running.get(control) instanceof ConcurrentHashMap<?, ?> jjavas && jjavas.isEmpty()) {
                running.set(control, interrupts.new Running());
            }
            f.set(control, interrupts);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Object read(final Object owner, final String name) throws ReflectiveOperationException {
        Object v = field(owner.getClass(), name).get(owner);
        if (v == null) {
            throw new NoSuchFieldException(name + " is null");
        }
        return v;
    }

    private static Field field(final Class<?> type, final String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(final Callable<T> task) {
        CellExecution cell = runningCell.get();
        RunnableFuture<T> future = new FutureTask<>(task) {
            @Override
            public boolean cancel(final boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled && mayInterruptIfRunning) {
                    Executions.interrupted(cell);
                }
                return cancelled;
            }
        };
        if (cell.equals(interruptedBetweenSnippets)) {
            interruptedBetweenSnippets = null;
            future.cancel(true); // it never runs; JJava reports the cell interrupted
        }
        return future;
    }

    /** JJava's map of the running snippets' futures, which its {@code interrupt()} walks. */
    private final class Running extends ConcurrentHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;

        @Override
        public void forEach(final BiConsumer<? super Object, ? super Object> action) {
            if (isEmpty()) {
                interruptedBetweenSnippets = runningCell.get();
            }
            super.forEach(action);
        }
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(final Runnable task, final T value) {
        return newTaskFor(java.util.concurrent.Executors.callable(task, value));
    }

    @Override
    public void execute(final Runnable command) {
        jjava.execute(command);
    }

    @Override
    public void shutdown() {
        jjava.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return jjava.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return jjava.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return jjava.isTerminated();
    }

    @Override
    public boolean awaitTermination(final long timeout, final TimeUnit unit) throws InterruptedException {
        return jjava.awaitTermination(timeout, unit);
    }
}
