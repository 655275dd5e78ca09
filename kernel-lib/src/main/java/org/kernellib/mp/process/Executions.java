package org.kernellib.mp.process;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Which unit of work the calling thread is doing, so that an interrupt ends the workers of that
 * unit and no others.
 *
 * <p>In a plain Java program the unit is the thread: an interrupted {@code join()} stops the
 * workers its thread started. In a notebook that is not enough, because the kernel runs every cell
 * on the same thread: interrupting cell 7 would also stop the background worker or the pool that
 * cell 3 started and keeps in a variable. So the kernel extension installs a finer identity, one
 * per cell execution (see {@code KernelLibExtension}); threads that are not running a cell keep
 * the thread as their identity.
 *
 * <p>An identity is any value with {@code equals}; it is taken when a worker starts and compared
 * when a thread is interrupted.
 *
 * <p>A thread learns of its interrupt only if it looks: an interrupted {@code join()} does, but a
 * cell blocked in {@code Thread.sleep}, a queue's {@code get} or a busy loop never reaches
 * kernel-lib code, so nothing here would stop its workers. Whoever interrupts a unit therefore
 * says so with {@link #interrupted}: the kernel extension does when Jupyter interrupts a cell.
 */
public final class Executions {
    private static volatile Supplier<Object> identity = Thread::currentThread;

    private Executions() {
    }

    /**
     * Replaces how the calling thread's unit of work is identified (the kernel extension does,
     * once). The supplier runs on the thread that starts or interrupts a worker and must not
     * return null.
     */
    public static void identifyBy(final Supplier<Object> supplier) {
        identity = Objects.requireNonNull(supplier, "supplier");
    }

    /**
     * Stops, at once and whatever its thread is doing, every worker that {@code unit} started and
     * their descendants (each worker stops its own children as it ends); workers of other units go
     * on. For whoever interrupts a unit of work, such as the kernel extension when a cell is
     * interrupted. Returns the number of workers stopped.
     */
    public static int interrupted(final Object unit) {
        return Children.stopStartedBy(Objects.requireNonNull(unit, "unit")).size();
    }

    /** The calling thread's unit of work: its cell execution in a notebook, else the thread. */
    static Object current() {
        Object id = identity.get();
        return id != null ? id : Thread.currentThread();
    }
}
