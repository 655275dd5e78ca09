package org.kernellib.mp.process;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A description of a process as seen from inside it: what {@code currentProcess()} and
 * {@code parentProcess()} return. The kernel (or any JVM that started workers) is
 * {@code MainProcess}, as in Python.
 *
 * <p>Like Python's {@code parent_process()}, it can tell whether the process still runs and wait
 * for its end. Its exit code stays unknown: an OS reports a process's exit status only to that
 * process's own parent, and Python's {@code parent_process().exitcode} is {@code None} for the
 * same reason. A worker ends with its parent, so it sees its parent end only briefly.
 *
 * @param name the process name, {@code MainProcess} or e.g. {@code Process-1}
 * @param pid the OS process id
 * @param daemon whether it was started as a daemon
 */
public record ProcessInfo(String name, long pid, boolean daemon) {
    /** Whether the process still runs: always true for {@code currentProcess()}. */
    public boolean isAlive() {
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Waits at most {@code timeout} for the process to end; returns whether it has ended.
     *
     * @throws IllegalStateException for {@code currentProcess()}, which cannot wait for itself
     *     (Python raises {@code AssertionError} for that)
     */
    public boolean join(final Duration timeout) throws InterruptedException {
        if (pid == ProcessHandle.current().pid()) {
            throw new IllegalStateException("process " + name + " cannot join itself: it would wait for ever");
        }
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null) {
            return true;
        }
        try {
            h.onExit().get(Math.max(0, timeout.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot wait for " + name + " (pid " + pid + "): " + e.getCause(), e);
        }
    }

    /**
     * Python's {@code exitcode}: empty while the process runs, and also after it ended, since
     * only a process's own parent learns its exit status (see the class comment). The exit code
     * of a worker is read from its {@link Process} object in the process that started it.
     */
    public OptionalInt exitCode() {
        return OptionalInt.empty();
    }
}
