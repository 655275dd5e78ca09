package org.kernellib.mp.jupyter;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
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
 */
final class CellInterrupts extends AbstractExecutorService {
    private final ExecutorService jjava;
    private final Supplier<CellExecution> runningCell;

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
            // A final field: writable through reflection for a class on the class path (not a
            // record or hidden class), on Java 17 to 25.
            f.set(control, new CellInterrupts((ExecutorService) executor, runningCell));
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
        return new FutureTask<>(task) {
            @Override
            public boolean cancel(final boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled && mayInterruptIfRunning) {
                    Executions.interrupted(cell);
                }
                return cancelled;
            }
        };
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
